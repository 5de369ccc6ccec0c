//! Notices for the parts of the brief a scenario has no data for (a skeleton from
//! `astana scenario init`): the same list, and the same reasons, as `scenario check`'s
//! warnings ([`Scenario::gaps`]).

use crate::svg::esc;
use crate::{sections, Notes};
use astana_model::{Gap, Scenario};

/// How a notice is headed: as a section of its own, a sub-section, or not at all (under
/// its section's own heading).
#[derive(Clone, Copy)]
enum Heading {
    Section,
    Sub,
    None,
}

/// The notice for one missing part: what is missing, why, and which file to fill in.
fn notice(g: &Gap, heading: Heading) -> String {
    let text = format!(
        r#"<p class="caveat"><b>Not in this scenario:</b> {}. To fill it in: {} (file <code>{}</code>, field <code>{}</code>).</p>"#,
        esc(&g.why),
        esc(g.fill),
        esc(&g.file),
        esc(g.field)
    );
    let (id, title) = (g.part, esc(g.title));
    match heading {
        Heading::Section => {
            format!(r#"<section id="gap-{id}" class="gap"><h2>{title}</h2>{text}</section>"#)
        }
        Heading::Sub => format!(r#"<h3 id="gap-{id}">{title}</h3>{text}"#),
        Heading::None => text,
    }
}

fn notice_of(s: &Scenario, part: &str, heading: Heading) -> String {
    s.gaps()
        .iter()
        .find(|g| g.part == part)
        .map(|g| notice(g, heading))
        .unwrap_or_default()
}

/// `html` when the section rendered, else the notice of `part` if the scenario lacks it.
pub(crate) fn or_notice(html: String, s: &Scenario, part: &str) -> String {
    if !html.is_empty() {
        return html;
    }
    notice_of(s, part, Heading::Section)
}

/// The notice of `part` inside a section (an `<h3>`), if the scenario lacks it.
pub(crate) fn sub_notice(s: &Scenario, part: &str) -> String {
    notice_of(s, part, Heading::Sub)
}

/// The balance section of a scenario without flows for its focal country: the notice, then
/// what needs no flows (UN voting alignment, with its summary line, and memberships).
pub(crate) fn balance_without_flows(
    s: &Scenario,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
) -> String {
    let focal = esc(&s.display_name(&s.focal));
    let mut h =
        format!(r#"<section id="balance"><h2>Multi-vector balance: who {focal} trades with</h2>"#);
    h.push_str(&notice_of(s, "flows", Heading::None));
    h.push_str(&crate::products::section(
        s,
        notes,
        summary,
        &mut Vec::new(),
    ));
    match sections::alignment(s) {
        Some(a) => {
            h.push_str(&sections::alignment_section(s, &a, notes));
            summary.extend(sections::alignment_summary(s, &a));
        }
        None => h.push_str(&sub_notice(s, "alignment")),
    }
    let seats = sections::memberships_or_notice(s, notes);
    // A skeleton's list holds only the organisations whose member lists astana has (for
    // Indonesia: CICA alone): a short table must not read as all the country belongs to.
    if seats.contains("<table") {
        h.push_str(&seats);
        h.push_str(&format!(
            r#"<p class="small">The organisations in this scenario's <code>memberships.csv</code>, not necessarily all that {focal} belongs to: <code>astana scenario init</code> lists only those whose member lists astana holds. Add the others, each with its source.</p>"#
        ));
    } else {
        h.push_str(&seats);
    }
    h.push_str("</section>");
    h
}

/// The parts in the order of the brief's sections; a part not listed goes last.
const BRIEF_ORDER: [&str; 8] = [
    "flows",
    "products",
    "alignment",
    "memberships",
    "negotiation",
    "power",
    "forum",
    "corridor",
];

/// One line for the terminal summary and one for the executive summary, naming every
/// missing part; none when the scenario is complete.
pub(crate) fn summarise(s: &Scenario, summary: &mut Vec<String>, lead: &mut Vec<String>) {
    // Flows from partners' (mirror) statistics only: the balance section says so itself.
    let mut gaps: Vec<Gap> = s
        .gaps()
        .into_iter()
        .filter(|g| g.part != "flows" || s.flows.is_empty())
        .collect();
    // Named in the order the brief shows their notices (mediation before the Council).
    gaps.sort_by_key(|g| {
        BRIEF_ORDER
            .iter()
            .position(|p| *p == g.part)
            .unwrap_or(usize::MAX)
    });
    if gaps.is_empty() {
        return;
    }
    let titles: Vec<&str> = gaps.iter().map(|g| g.title).collect();
    summary.push(format!(
        "not in this scenario (notices in the brief): {}",
        titles.join(", ")
    ));
    lead.push(format!(
        "<b>Not covered.</b> This scenario has no data for: {}. The brief shows a notice in their place, saying what to fill in (<code>astana scenario check</code> lists them too).",
        esc(&titles.join("; "))
    ));
}
