//! `astana corridor …`.

use crate::args::{
    AssignArgs, BottleneckArgs, ByArg, CorridorCommand, FilterArgs, OdArgs, QueueArgs, RoutesArgs,
    SimulateArgs, VolumesArgs,
};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_freight_corridor::{
    assign, flow, k_best, queue, sim, volumes, By, Filter, Network, Weights,
};
use astana_model::corridor::FAMILIES;
use astana_model::Scenario;
use serde_json::json;
use std::io::IsTerminal;
use std::path::Path;

fn network(scenario: &Scenario) -> Result<Network, Failure> {
    if scenario.corridor_nodes.is_empty() {
        return Err(Failure::input(
            "error: the scenario has no corridor network (files.corridor_nodes and files.corridor_links in scenario.toml)",
        ));
    }
    Ok(Network::new(
        &scenario.corridor_nodes,
        &scenario.corridor_links,
    ))
}

fn filter(f: &FilterArgs) -> Result<Filter, Failure> {
    if let Some(c) = &f.corridor {
        if !FAMILIES.contains(&c.as_str()) {
            return Err(Failure::input(format!(
                "error: unknown corridor family {c:?}; use one of {}",
                FAMILIES.join(", ")
            )));
        }
    }
    Ok(Filter {
        avoid: f.avoid.iter().map(|s| s.trim().to_uppercase()).collect(),
        close: f.close.iter().map(|s| s.trim().to_string()).collect(),
        corridor: f.corridor.clone(),
    })
}

fn od(net: &Network, a: &OdArgs) -> Result<(usize, usize), Failure> {
    let find = |q: &str, flag: &str| {
        net.find(q)
            .map_err(|e| Failure::input(format!("error: --{flag}: {e}")))
    };
    Ok((find(&a.from, "from")?, find(&a.to, "to")?))
}

fn by(b: ByArg) -> By {
    match b {
        ByArg::Time => By::Time,
        ByArg::Cost => By::Cost,
        ByArg::Generalized => By::Generalized,
    }
}

pub(crate) fn run(scenario_dir: Option<&Path>, command: CorridorCommand) -> Outcome {
    if let CorridorCommand::Queue(a) = &command {
        return queue_cmd(a);
    }
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    match command {
        CorridorCommand::Routes(a) => routes(&scenario, &a),
        CorridorCommand::Bottleneck(a) => bottleneck(&scenario, &a),
        CorridorCommand::Assign(a) => assign_cmd(&scenario, &a),
        CorridorCommand::Simulate(a) => simulate(&scenario, &a),
        CorridorCommand::Volumes(a) => volumes_cmd(&scenario, &a),
        CorridorCommand::Queue(_) => Ok(()),
    }
}

fn routes(scenario: &Scenario, a: &RoutesArgs) -> Outcome {
    let net = network(scenario)?;
    let w = Weights {
        by: by(a.by),
        value_of_time: a.value_of_time,
    };
    if a.all_pairs {
        return all_pairs(&net, a, &w);
    }
    let (s, t) = od(
        &net,
        &OdArgs {
            from: a.od.from.clone().unwrap_or_default(),
            to: a.od.to.clone().unwrap_or_default(),
        },
    )?;
    let found = k_best(&net, s, t, a.k, &w, &filter(&a.filter)?)
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    let by_name = match a.by {
        ByArg::Time => "time",
        ByArg::Cost => "cost",
        ByArg::Generalized => "generalized",
    };
    if a.json {
        return print_json(&json!({
            "from": net.nodes[s].id, "to": net.nodes[t].id, "by": by_name,
            "value_of_time_usd_per_feu_hour": a.value_of_time,
            "routes": found,
        }));
    }
    out!(
        "{} → {} · {} best routes by {by_name}",
        net.nodes[s].name,
        net.nodes[t].name,
        found.len()
    );
    if found.is_empty() {
        out!("  no route: every path is closed or avoided");
        return Ok(());
    }
    out!(
        "  {:>2}  {:<15} {:>6} {:>7} {:>9} {:>3}  countries",
        "#",
        "corridor",
        "days",
        "km",
        "USD/FEU",
        "tr"
    );
    for r in &found {
        out!(
            "  {:>2}  {:<15} {:>6.1} {:>7.0} {:>9.0} {:>3}  {}",
            r.rank,
            r.corridor,
            r.days,
            r.km,
            r.cost_usd_feu,
            r.transshipments,
            r.countries.join("-")
        );
        let via: Vec<&str> = r.legs.iter().map(|l| l.to.as_str()).collect();
        out!("      via {} {}", net.nodes[s].id, via.join(" "));
    }
    out!("days: running time plus dwell at the nodes passed; tr: changes of mode or gauge");
    Ok(())
}

/// k routes for every ordered pair of distinct nodes.
fn all_pairs(net: &Network, a: &RoutesArgs, w: &Weights) -> Outcome {
    let f = filter(&a.filter)?;
    let all = astana_freight_corridor::routes::all_pairs(net, a.k, w, &f)
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    let mut rows = Vec::with_capacity(all.len());
    let mut total = 0usize;
    for (s, t, values) in &all {
        total += values.len();
        rows.push(json!({"from": net.nodes[*s].id, "to": net.nodes[*t].id, "values": values}));
    }
    if a.json {
        return print_json(
            &json!({"pairs": rows.len(), "routes": total, "k": a.k, "results": rows}),
        );
    }
    out!("{} ordered pairs, {total} routes (k = {})", rows.len(), a.k);
    Ok(())
}

fn capacities(net: &Network, set: &[String]) -> Result<Vec<f64>, Failure> {
    let mut cap: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
        .collect();
    for s in set {
        let Some((link, value)) = s
            .split_once('=')
            .and_then(|(k, v)| k.strip_suffix(".capacity").map(|k| (k, v)))
        else {
            return Err(Failure::input(format!(
                "error: --set {s:?}: write LINK.capacity=TEU_PER_YEAR, e.g. L032.capacity=150000"
            )));
        };
        let Some(l) = net.link_index(link) else {
            return Err(Failure::input(format!(
                "error: --set: no link has the id {link:?}"
            )));
        };
        let v: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                Failure::input(format!(
                    "error: --set {s:?}: the capacity must be a finite number of TEU per year, 0 or more"
                ))
            })?;
        cap[l] = v;
    }
    Ok(cap)
}

fn teu(x: Option<f64>) -> String {
    x.map_or("unlimited".to_string(), |v| format!("{:.0} TEU/yr", v))
}

fn bottleneck(scenario: &Scenario, a: &BottleneckArgs) -> Outcome {
    let net = network(scenario)?;
    let (s, t) = od(&net, &a.od)?;
    let f = filter(&a.filter)?;
    let mut ok = f
        .links(&net)
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    if let Some(c) = &f.corridor {
        // The family's own network: the union of its 30 fastest routes.
        let mine = flow::family_links(&net, s, t, c, 30)
            .map_err(|e| Failure::input(format!("error: {e}")))?;
        for (x, m) in ok.iter_mut().zip(mine) {
            *x &= m;
        }
    }
    let input = |e: String| Failure::input(format!("error: {e}"));
    let base = flow::max_flow(&net, s, t, &capacities(&net, &[])?, &ok).map_err(input)?;
    let after = if a.set.is_empty() {
        None
    } else {
        Some(flow::max_flow(&net, s, t, &capacities(&net, &a.set)?, &ok).map_err(input)?)
    };
    if a.json {
        return print_json(&json!({
            "from": net.nodes[s].id, "to": net.nodes[t].id, "corridor": f.corridor,
            "max_flow_teu_year": base.max_flow_teu_year,
            "cut": base.cut,
            "flows": base.flows,
            "investment": after.as_ref().map(|x| json!({
                "set": a.set,
                "max_flow_teu_year": x.max_flow_teu_year,
                "cut": x.cut,
                "gain_teu_year": match (x.max_flow_teu_year, base.max_flow_teu_year) { (Some(x), Some(b)) => Some(x - b), _ => None },
            })),
        }));
    }
    out!(
        "{} → {}{} · maximum flow {}",
        net.nodes[s].name,
        net.nodes[t].name,
        f.corridor
            .as_deref()
            .map_or(String::new(), |c| format!(" ({c})")),
        teu(base.max_flow_teu_year)
    );
    if base.max_flow_teu_year.is_none() {
        out!("  a path with no stated capacity connects them: add capacities to links.csv to find the bottleneck");
    }
    for c in &base.cut {
        out!(
            "  binding: {} {} → {} ({}) {:.0} TEU/yr",
            c.link,
            c.from,
            c.to,
            c.mode,
            c.capacity_teu_year
        );
    }
    if let Some(x) = after {
        out!(
            "with {}: maximum flow {}{}",
            a.set.join(", "),
            teu(x.max_flow_teu_year),
            match (x.max_flow_teu_year, base.max_flow_teu_year) {
                (Some(x), Some(b)) => format!(" ({:+.0} TEU/yr)", x - b),
                _ => String::new(),
            }
        );
        for c in &x.cut {
            out!(
                "  binding: {} {} → {} ({}) {:.0} TEU/yr",
                c.link,
                c.from,
                c.to,
                c.mode,
                c.capacity_teu_year
            );
        }
    }
    Ok(())
}

fn assign_cmd(scenario: &Scenario, a: &AssignArgs) -> Outcome {
    let net = network(scenario)?;
    let (s, t) = od(&net, &a.od)?;
    let w = Weights {
        by: By::Generalized,
        value_of_time: a.value_of_time,
    };
    let settings = assign::Settings {
        theta: a.theta,
        value_of_time: a.value_of_time,
        iterations: 300,
        teu_per_train: sim::DEFAULT_TEU_PER_TRAIN,
    };
    let input = |e: String| Failure::input(format!("error: {e}"));
    // Flags first: a NaN must not turn into "no route".
    settings.check().map_err(input)?;
    assign::check_demand(a.demand).map_err(input)?;
    let routes =
        assign::candidate_routes(&net, s, t, a.k, 2, &w, &filter(&a.filter)?).map_err(input)?;
    if routes.is_empty() {
        return Err(Failure::compute("error: no route between them"));
    }
    let r = assign::assign(&net, &routes, a.demand, &settings).map_err(input)?;
    if a.json {
        return print_json(&json!({
            "from": net.nodes[s].id, "to": net.nodes[t].id,
            "theta": a.theta, "value_of_time_usd_per_feu_hour": a.value_of_time,
            "assignment": r,
        }));
    }
    out!(
        "{} → {} · {:.0} TEU/yr split over {} routes (logit θ = {} per USD, value of time {} USD/FEU-h)",
        net.nodes[s].name,
        net.nodes[t].name,
        a.demand,
        routes.len(),
        a.theta,
        a.value_of_time
    );
    for (f, share) in &r.corridors {
        out!("  {f:<15} {:>6.1}%", share * 100.0);
    }
    out!("routes:");
    for x in r.routes.iter().filter(|x| x.share > 0.0005) {
        out!(
            "  #{:<2} {:<15} {:>6.1}%  {:>8.0} TEU  {:>5.1} days  {:>6.0} USD/FEU  via {}",
            x.rank,
            x.corridor,
            x.share * 100.0,
            x.teu_year,
            x.days,
            x.generalized_usd_feu,
            x.via.join(" ")
        );
    }
    out!("busiest links:");
    for l in r.links.iter().filter(|l| l.utilisation.is_some()).take(6) {
        out!(
            "  {:<6} {:>8.0} TEU of {:>8.0} ({:.0}%)",
            l.link,
            l.teu_year,
            l.capacity_teu_year.unwrap_or(0.0),
            l.utilisation.unwrap_or(0.0) * 100.0
        );
    }
    if !r.feasible {
        out!(
            "INFEASIBLE: the demand exceeds what the network carries; the split above loads these past capacity (stations at trains of {} TEU):",
            sim::DEFAULT_TEU_PER_TRAIN
        );
        for line in astana_freight_corridor::capacity::describe(&r.overloads).lines() {
            out!("  {line}");
        }
    }
    Ok(())
}

fn simulate(scenario: &Scenario, a: &SimulateArgs) -> Outcome {
    let net = network(scenario)?;
    let f = filter(&a.filter)?;
    let settings = sim::Settings {
        days: a.days,
        seed: a.seed,
        teu_per_shipment: a.teu_per_train,
        caspian_closure: a.caspian_closure,
    };
    let input = |e: String| Failure::input(format!("error: {e}"));
    settings.check().map_err(input)?;
    let pairs: Vec<(usize, usize)> = match (&a.from, &a.to) {
        (Some(from), Some(to)) => vec![od(
            &net,
            &OdArgs {
                from: from.clone(),
                to: to.clone(),
            },
        )?],
        _ => net.od_pairs(),
    };
    let streams = sim::streams(&net, &pairs, a.demand, &f).map_err(input)?;
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut progress = |day: f64| {
        if tty && started.elapsed().as_secs_f64() > 1.0 {
            eprint!("\r  simulating… day {day:.0}");
        }
    };
    let r = sim::simulate(&net, &streams, &settings, &mut progress);
    let r = match r {
        Ok(r) => r,
        Err(e @ sim::SimError::Input(_)) => return Err(Failure::input(format!("error: {e}"))),
        Err(e @ sim::SimError::Unstable(_)) => return Err(Failure::compute(format!("error: {e}"))),
    };
    if tty && started.elapsed().as_secs_f64() > 1.0 {
        eprintln!();
    }
    if a.json {
        return print_json(&json!({
            "days": a.days, "seed": a.seed, "demand_teu_year": a.demand,
            "teu_per_train": a.teu_per_train, "caspian_closure": a.caspian_closure,
            "pairs": pairs.len(),
            "corridors": r.corridors, "nodes": r.nodes,
            "undelivered": r.undelivered, "run_days": r.run_days,
        }));
    }
    out!(
        "Simulation: {:.0} TEU/yr over {} origin–destination pairs, {} days, trains of {} TEU, seed {}, Caspian sailings cancelled with p = {}",
        a.demand,
        pairs.len(),
        a.days,
        a.teu_per_train,
        a.seed,
        a.caspian_closure
    );
    out!(
        "  {:<15} {:>9} {:>8} {:>8} {:>8}",
        "corridor",
        "trains",
        "mean d",
        "p50 d",
        "p95 d"
    );
    for (f, s) in &r.corridors {
        out!(
            "  {f:<15} {:>9} {:>8.1} {:>8.1} {:>8.1}",
            s.shipments,
            s.mean_days,
            s.p50_days,
            s.p95_days
        );
    }
    out!(
        "  {:<15} {:>12} {:>12} {:>10}",
        "queue",
        "mean wait h",
        "utilisation",
        "mean queue"
    );
    let mut nodes: Vec<_> = r.nodes.iter().collect();
    nodes.sort_by(|a, b| b.1.mean_wait_hours.total_cmp(&a.1.mean_wait_hours));
    for (id, s) in nodes.iter().take(10) {
        out!(
            "  {id:<15} {:>12.1} {:>11.0}% {:>10.2}",
            s.mean_wait_hours,
            s.utilisation * 100.0,
            s.mean_queue
        );
    }
    if r.undelivered > 0 {
        out!(
            "  {} trains had not arrived when the run stopped on day {:.0}; they are not in the figures above, which are therefore too low",
            r.undelivered,
            r.run_days
        );
    }
    Ok(())
}

fn queue_cmd(a: &QueueArgs) -> Outcome {
    let r = queue::mmc(
        a.servers,
        a.arrival_rate,
        a.service_rate,
        a.customers,
        a.seed,
    )
    .map_err(|e| Failure::input(format!("error: {e}")))?;
    if a.json {
        return print_json(&r);
    }
    out!(
        "M/M/{} station, λ = {}/h, μ = {}/h, {} customers, seed {}",
        a.servers,
        a.arrival_rate,
        a.service_rate,
        a.customers,
        a.seed
    );
    out!("  utilisation            {:.4}", r.utilisation);
    out!(
        "  mean wait (simulated)  {:.4} h ± {:.4} (95%, batch means)",
        r.mean_wait_hours,
        r.ci95_hours
    );
    match (r.erlang_c_mean_wait_hours, r.relative_error) {
        (Some(e), Some(x)) => {
            out!("  mean wait (Erlang C)   {e:.4} h");
            out!("  relative error         {:.2}%", x * 100.0);
        }
        _ => out!("  Erlang C: the station is unstable (λ ≥ cμ); waits grow without bound"),
    }
    Ok(())
}

fn volumes_cmd(scenario: &Scenario, a: &VolumesArgs) -> Outcome {
    if scenario.volumes.is_empty() {
        return Err(Failure::input(
            "error: the scenario has no volumes file (files.volumes)",
        ));
    }
    let cap = a.capacity_mt.or_else(|| {
        scenario
            .volumes
            .iter()
            .filter(|v| v.corridor == a.corridor && v.kind == "capacity")
            .max_by_key(|v| v.year)
            .map(|v| v.tonnes / 1e6)
    });
    let r = volumes::report(&scenario.volumes, &a.corridor, a.window, a.to, cap)
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    if a.json {
        return print_json(&r);
    }
    out!("Corridor volumes: {}", a.corridor);
    for y in &r.series {
        out!(
            "  {} {:<8} {:>6.2} Mt  {:<10} {:>8}  [{}]",
            y.year,
            y.period,
            y.mt,
            y.kind,
            y.growth
                .map_or(String::new(), |g| format!("{:+.0}%", g * 100.0)),
            y.source
        );
    }
    if let Some(g) = r.cagr {
        out!(
            "projection: {:+.1}% a year (growth of the last {} full years){}",
            g * 100.0,
            a.window,
            r.capacity_mt.map_or(String::new(), |c| format!(
                ", capped at the capacity of {c:.1} Mt/yr"
            ))
        );
        for y in &r.projection {
            out!("  {} {:>6.2} Mt", y.year, y.mt);
        }
    }
    Ok(())
}
