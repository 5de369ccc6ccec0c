//! What a scenario does not cover yet: one [`Gap`] per part of the brief without data.
//!
//! One list serves `scenario check` (a warning per gap) and the brief (a notice in place of
//! the empty section), so the two always name the same parts for the same reasons.

use crate::Scenario;
use serde::Serialize;

/// A part of the brief that the scenario has no data for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Stable id of the part: `flows`, `products`, `alignment`, `memberships`, `power`, `negotiation`,
    /// `forum` or `corridor` (also the HTML id of its notice in the brief).
    pub part: &'static str,
    /// The part's title in the brief.
    pub title: &'static str,
    /// The file (relative to the scenario folder) to fill in, or `scenario.toml`.
    pub file: String,
    /// The `scenario.toml` key (or CSV column) concerned.
    pub field: &'static str,
    /// Why the part is empty, in a sentence fragment ("no flow rows for IDN").
    pub why: String,
    /// What to add to fill it.
    pub fill: &'static str,
}

impl Scenario {
    /// The parts of the brief this scenario has no data for, in the brief's order.
    pub fn gaps(&self) -> Vec<Gap> {
        let focal = self.focal.as_str();
        let mut gaps = Vec::new();
        let mut gap = |part, title, file: &str, field, why: String, fill| {
            gaps.push(Gap {
                part,
                title,
                file: file.to_string(),
                field,
                why,
                fill,
            });
        };
        if !self.flows.iter().any(|f| f.reporter == focal) {
            gap(
                "flows",
                "Multi-vector balance",
                "flows.csv",
                "reporter",
                format!("no flow rows with reporter {focal}"),
                "add the published trade figures: a WLD (world) total and one row per partner, each with its source",
            );
        }
        // The product panel needs the country's own figures by product: any row of it
        // (a partial year, a group without a total) fills the part, and the panel says what
        // it can and cannot compute from them.
        if !self.products.iter().any(|p| p.reporter == focal) {
            gap(
                "products",
                "Export concentration by product",
                "products.csv",
                "reporter",
                format!("no product rows with reporter {focal}"),
                "add the published exports by product group (HS codes) with the total of the same year, each with its source, and name the file in [files] products",
            );
        }
        if !self.alignment.iter().any(|r| r.country == focal) {
            gap(
                "alignment",
                "UN General Assembly voting",
                "alignment.csv",
                "country",
                format!("no UN voting alignment rows for {focal}"),
                "derive them from the roll-call data (astana balance alignment --write-table)",
            );
        }
        if !self.memberships.iter().any(|m| m.iso3 == focal) {
            gap(
                "memberships",
                "Memberships",
                "memberships.csv",
                "iso3",
                format!("no organisation lists {focal} as a member"),
                "add a row per organisation the country belongs to, with its source",
            );
        }
        if !self
            .games
            .iter()
            .any(|(path, _)| path.rsplit('/').next() == Some("unsc.toml"))
        {
            gap(
                "power",
                "Voice in councils",
                "scenario.toml",
                "files.power",
                "no Security Council game (power/unsc.toml) in [files] power".to_string(),
                "add power/unsc.toml and the reform models (see astana scenario export for examples)",
            );
        }
        if self.negotiations.is_empty() {
            gap(
                "negotiation",
                "Mediation",
                "scenario.toml",
                "files.negotiation",
                "no negotiation domain in [files] negotiation".to_string(),
                "add a native negotiation domain (negotiation/*.toml) and list it",
            );
        }
        if self.forum.is_empty() {
            gap(
                "forum",
                "Convening",
                "scenario.toml",
                "files.forum",
                "no forum folder in [files] forum".to_string(),
                "add a forum folder in the format of astana forum and name it",
            );
        }
        if self.corridor_nodes.is_empty() {
            gap(
                "corridor",
                "Connectivity",
                "scenario.toml",
                "files.corridor_nodes",
                "no corridor network in [files] corridor_nodes and corridor_links".to_string(),
                "add corridor/nodes.csv and corridor/links.csv and name them",
            );
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use crate::Scenario;

    #[test]
    fn an_empty_scenario_lacks_every_part() {
        let s = Scenario {
            focal: "IDN".into(),
            ..Scenario::default()
        };
        let parts: Vec<_> = s.gaps().iter().map(|g| g.part).collect();
        assert_eq!(
            parts,
            [
                "flows",
                "products",
                "alignment",
                "memberships",
                "power",
                "negotiation",
                "forum",
                "corridor"
            ]
        );
        assert_eq!(s.gaps()[0].why, "no flow rows with reporter IDN");
    }
}
