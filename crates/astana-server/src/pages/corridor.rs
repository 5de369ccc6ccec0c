//! `/s/{id}/corridor?from=&to=&k=&by=&avoid=&close=&corridor=&link=&capacity=`: the k best
//! routes on the map, the bottleneck with a capacity what-if, and the simulation as a job.

use super::{enc, options, wide, Page, Params};
use crate::problem::Problem;
use crate::AppState;
use astana_brief::charts::{self, esc};
use astana_freight_corridor::{flow, k_best, By, Filter, Network, Weights};
use astana_model::corridor::FAMILIES;
use astana_model::Scenario;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::json;
use std::fmt::Write;

const FIELDS: &[&str] = &[
    "from", "to", "k", "by", "avoid", "close", "corridor", "link", "capacity",
];

/// Most routes a page lists (the CLI gives up to 1000; a page of them helps no one).
const MAX_K: usize = 50;

/// The form, parsed.
struct Form {
    from: Option<String>,
    to: Option<String>,
    k: usize,
    by: &'static str,
    avoid: Vec<String>,
    close: Vec<String>,
    corridor: Option<String>,
    link: Option<String>,
    capacity: Option<f64>,
}

fn parse(p: &mut Params) -> Form {
    let corridor = p.choice("corridor", &FAMILIES);
    let form = Form {
        from: p.get("from").map(str::to_string),
        to: p.get("to").map(str::to_string),
        k: p.int("k", 1..=MAX_K).unwrap_or(5),
        by: p
            .choice("by", &["time", "cost", "generalized"])
            .unwrap_or("time"),
        avoid: p.list("avoid").iter().map(|c| c.to_uppercase()).collect(),
        close: p.list("close"),
        corridor: corridor.map(str::to_string),
        link: p.get("link").map(str::to_string),
        capacity: p.num("capacity", 0.0..=1e12),
    };
    if form.link.is_some() != form.capacity.is_some() && p.errors.is_empty() {
        p.error(
            if form.link.is_none() {
                "link"
            } else {
                "capacity"
            },
            "the what-if needs both a link id and its new capacity (TEU per year)",
        );
    }
    form
}

fn network(s: &Scenario) -> Result<Network, Problem> {
    if s.corridor_nodes.is_empty() {
        return Err(Problem::not_found(
            "the scenario has no corridor network (files.corridor_nodes and files.corridor_links in scenario.toml)",
        ));
    }
    Ok(Network::new(&s.corridor_nodes, &s.corridor_links))
}

fn form_html(net: Option<&Network>, id: &str, f: &Form) -> String {
    // Autocomplete without script: a datalist of node names and ids.
    let places: String = net
        .map(|n| {
            n.nodes
                .iter()
                .map(|x| {
                    format!(
                        r#"<option value="{}">{} ({})</option>"#,
                        esc(&x.id),
                        esc(&x.name),
                        esc(&x.country)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let by = options(
        ["time", "cost", "generalized"]
            .iter()
            .map(|b| ((*b).to_string(), (*b).to_string())),
        Some(f.by),
    );
    let families = options(
        std::iter::once((String::new(), "any".to_string())).chain(
            FAMILIES
                .iter()
                .map(|x| ((*x).to_string(), (*x).to_string())),
        ),
        Some(f.corridor.as_deref().unwrap_or("")),
    );
    format!(
        r#"<form class="controls" method="get" action="/s/{id}/corridor">
<label>From<input type="text" name="from" value="{from}" list="places" placeholder="XIAN or Xi'an" required></label>
<label>To<input type="text" name="to" value="{to}" list="places" placeholder="DUISBURG" required></label>
<datalist id="places">{places}</datalist>
<label>Routes<input type="number" name="k" min="1" max="{MAX_K}" value="{k}"></label>
<label>Minimise<select name="by">{by}</select></label>
<label>Family<select name="corridor">{families}</select></label>
<label>Avoid countries (ISO3, comma-separated)<input type="text" name="avoid" value="{avoid}" placeholder="RUS,BLR" size="12"></label>
<label>Close links (ids)<input type="text" name="close" value="{close}" placeholder="L032" size="10"></label>
<label>What-if: link<input type="text" name="link" value="{link}" placeholder="L032" size="8"></label>
<label>new capacity, TEU/yr<input type="number" name="capacity" min="0" step="1000" value="{capacity}"></label>
<button type="submit">Find routes</button></form>"#,
        id = enc(id),
        from = esc(f.from.as_deref().unwrap_or("")),
        to = esc(f.to.as_deref().unwrap_or("")),
        k = f.k,
        avoid = esc(&f.avoid.join(",")),
        close = esc(&f.close.join(",")),
        link = esc(f.link.as_deref().unwrap_or("")),
        capacity = f.capacity.map(|c| format!("{c}")).unwrap_or_default(),
    )
}

fn teu(x: Option<f64>) -> String {
    x.map_or("unlimited".to_string(), |v| format!("{v:.0} TEU/yr"))
}

/// Routes, map, bottleneck and what-if for a from/to pair.
fn render(net: &Network, f: &Form, s: usize, t: usize) -> Result<String, Problem> {
    let input = |e: String| Problem::invalid(e);
    let filter = Filter {
        avoid: f.avoid.clone(),
        close: f.close.clone(),
        corridor: f.corridor.clone(),
    };
    let w = Weights {
        by: match f.by {
            "cost" => By::Cost,
            "generalized" => By::Generalized,
            _ => By::Time,
        },
        value_of_time: 2.0,
    };
    let routes = k_best(net, s, t, f.k, &w, &filter).map_err(input)?;
    let mut h = format!(
        "<h2>{} → {}: {} best route{} by {}</h2>",
        esc(&net.nodes[s].name),
        esc(&net.nodes[t].name),
        routes.len(),
        if routes.len() == 1 { "" } else { "s" },
        f.by
    );
    if routes.is_empty() {
        h.push_str("<p>No route: every path is closed or avoided.</p>");
    } else {
        h.push_str(&wide(&charts::routes_map(
            net,
            &routes,
            "Routes on the map",
        )));
        let mut rows = String::new();
        for r in &routes {
            let via: Vec<&str> = r.legs.iter().map(|l| l.to.as_str()).collect();
            let _ = write!(
                rows,
                r#"<tr><td class="n">{}</td><td><i class="sw" style="background:{}"></i>{}</td><td class="n">{:.1}</td><td class="n">{:.0}</td><td class="n">{:.0}</td><td class="n">{}</td><td class="nw">{}</td><td class="small">{} {}</td></tr>"#,
                r.rank,
                charts::family_color(&r.corridor),
                esc(&r.corridor),
                r.days,
                r.km,
                r.cost_usd_feu,
                r.transshipments,
                esc(&r.countries.join("-")),
                esc(&net.nodes[s].id),
                esc(&via.join(" "))
            );
        }
        let _ = write!(
            h,
            r#"<div class="wide"><table><tr><th class="n">#</th><th>Corridor</th><th class="n">Days</th><th class="n">km</th><th class="n">USD/FEU</th><th class="n">Transshipments</th><th>Countries</th><th>Via</th></tr>{rows}</table></div>
<p class="small">Days: running time plus dwell at the nodes passed; transshipments: changes of mode or gauge. Value of time 2 USD per FEU-hour (generalised cost).</p>"#
        );
    }
    // The bottleneck: maximum flow and the binding links, as `corridor bottleneck`.
    let mut ok = filter.links(net).map_err(input)?;
    if let Some(c) = &f.corridor {
        let mine = flow::family_links(net, s, t, c, 30).map_err(input)?;
        for (x, m) in ok.iter_mut().zip(mine) {
            *x &= m;
        }
    }
    let mut cap: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
        .collect();
    let base = flow::max_flow(net, s, t, &cap, &ok).map_err(input)?;
    let cut = |c: &[flow::CutLink]| -> String {
        c.iter()
            .map(|c| {
                format!(
                    "<li><code>{}</code> {} → {} ({}) {:.0} TEU/yr</li>",
                    esc(&c.link),
                    esc(&c.from),
                    esc(&c.to),
                    esc(&c.mode),
                    c.capacity_teu_year
                )
            })
            .collect()
    };
    let _ = write!(
        h,
        "<h2>Bottleneck</h2><p>Maximum flow {}{}</p><ul>{}</ul>",
        teu(base.max_flow_teu_year),
        if base.max_flow_teu_year.is_none() {
            ": a path with no stated capacity connects them."
        } else {
            "; binding links:"
        },
        cut(&base.cut)
    );
    if let (Some(link), Some(c)) = (&f.link, f.capacity) {
        let l = net.link_index(link).ok_or_else(|| {
            let hint = astana_model::text::closest(link, net.links.iter().map(|l| l.id.as_str()))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let mut p = Problem::invalid(format!("no link `{link}` in the network"));
            p.errors = vec![super::field_error(
                "link",
                format!("no link has the id `{link}`{hint}"),
            )];
            p
        })?;
        cap[l] = c;
        let after = flow::max_flow(net, s, t, &cap, &ok).map_err(input)?;
        let _ = write!(
            h,
            "<h3>What if {} carried {:.0} TEU/yr?</h3><p>Maximum flow {}{}.</p><ul>{}</ul>",
            esc(&net.links[l].id),
            c,
            teu(after.max_flow_teu_year),
            match (after.max_flow_teu_year, base.max_flow_teu_year) {
                (Some(x), Some(b)) => format!(" ({:+.0} TEU/yr)", x - b),
                _ => String::new(),
            },
            cut(&after.cut)
        );
    }
    Ok(h)
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut page = Page::new("corridor", "Freight corridors", Some(&id));
    let Some(s) = page.scenario(&state, &id).await else {
        return page.finish(&state).await;
    };
    let mut p = Params::parse(raw.as_deref().unwrap_or(""), FIELDS);
    let f = parse(&mut p);
    let net = match network(&s) {
        Ok(n) => n,
        Err(e) => {
            page.push(&form_html(None, &id, &f));
            page.fail(&e);
            return page.finish(&state).await;
        }
    };
    page.push(&form_html(Some(&net), &id, &f));
    // Both ends are needed; locate them now so every field error shows at once.
    let mut ends = (None, None);
    if let (Some(a), Some(b)) = (&f.from, &f.to) {
        ends.0 = net.find(a).map_err(|e| p.error("from", e)).ok();
        ends.1 = net.find(b).map_err(|e| p.error("to", e)).ok();
    } else if f.from.is_some() || f.to.is_some() {
        p.error(
            if f.from.is_none() { "from" } else { "to" },
            "give both ends of the route",
        );
    }
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let (Some(a), Some(b)) = ends else {
        page.push("<p>Choose an origin and a destination (type a few letters of a place: the list offers the network's nodes).</p>");
        return page.finish(&state).await;
    };
    let sim_form = format!(
        r#"<h2>Simulation</h2><p>A simulated period of shipments between these two places (queues at the border crossings and ports, Caspian weather), run as a job with a progress bar.</p>
<form class="controls" method="post" action="/s/{id}/corridor/simulate">{hidden}
<label>Demand, TEU/yr<input type="number" name="demand" min="1" step="1000" value="120000"></label>
<label>Days<input type="number" name="days" min="1" max="3650" value="365"></label>
<label>Seed<input type="number" name="seed" min="0" value="1"></label>
<button type="submit">Simulate as a job</button></form>"#,
        id = enc(&id),
        hidden = [
            ("from", net.nodes[a].id.clone()),
            ("to", net.nodes[b].id.clone()),
            ("avoid", f.avoid.join(",")),
            ("close", f.close.join(",")),
            ("corridor", f.corridor.clone().unwrap_or_default()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!(r#"<input type="hidden" name="{k}" value="{}">"#, esc(v)))
        .collect::<String>(),
    );
    let out = state.blocking(move || render(&net, &f, a, b)).await;
    match out {
        Ok(h) => page.push(&h),
        Err(e) => page.fail(&e),
    }
    page.push(&sim_form);
    page.finish(&state).await
}

/// The fields of the simulation form.
const SIM_FIELDS: &[&str] = &[
    "from", "to", "avoid", "close", "corridor", "demand", "days", "seed",
];

/// The job's parameters, named as `astana corridor simulate`'s flags; every bad field is
/// collected in `p`.
fn simulate_params(p: &mut Params) -> Option<serde_json::Value> {
    let demand = p.num("demand", 1.0..=1e9);
    let days = p.num("days", 1.0..=3650.0);
    let seed = p.int::<u64>("seed", 0..=u64::MAX);
    if !p.errors.is_empty() {
        return None;
    }
    let mut params = json!({});
    for k in ["from", "to", "corridor"] {
        if let Some(v) = p.get(k) {
            params[k] = json!(v);
        }
    }
    // Comma-separated, as the CLI's flags (and astana-query's parameters) take them.
    for k in ["avoid", "close"] {
        let v = p.list(k);
        if !v.is_empty() {
            params[k] = json!(v.join(","));
        }
    }
    if let Some(v) = demand {
        params["demand"] = json!(v);
    }
    if let Some(v) = days {
        params["days"] = json!(v);
    }
    if let Some(v) = seed {
        params["seed"] = json!(v);
    }
    Some(params)
}

/// `POST /s/{id}/corridor/simulate`: the simulation as a job.
pub(crate) async fn simulate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let mut p = Params::parse(&body, SIM_FIELDS);
    let out = match (simulate_params(&mut p), p.problem()) {
        (Some(params), None) => {
            crate::api::jobs::submit_job(
                &state,
                "corridor-simulate".into(),
                Some(id.clone()),
                params,
            )
            .await
        }
        (_, Some(problem)) => Err(problem),
        (None, None) => Err(Problem::bad_request("the form could not be read")),
    };
    super::forum::submitted(&state, "corridor", &id, out).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_parameters_are_named_as_the_cli_flags() {
        let mut p = Params::parse(
            "from=XIAN&to=DUISBURG&avoid=RUS&avoid=BLR&close=&demand=1000&days=30&seed=7",
            SIM_FIELDS,
        );
        assert_eq!(
            simulate_params(&mut p),
            Some(json!({"from": "XIAN", "to": "DUISBURG", "avoid": "RUS,BLR",
                        "demand": 1000.0, "days": 30.0, "seed": 7}))
        );
        let mut p = Params::parse("days=NaN&demand=-1&sede=1", SIM_FIELDS);
        assert_eq!(simulate_params(&mut p), None);
        let fields: Vec<_> = p.errors.iter().filter_map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["sede", "demand", "days"]);
        assert!(p.errors[0].message.contains("did you mean `seed`?"));
    }
}
