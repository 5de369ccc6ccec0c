//! `astana corridor …`.

use crate::args::{
    AssignArgs, BottleneckArgs, ByArg, CorridorCommand, QueueArgs, RoutesArgs, SimulateArgs,
    VolumesArgs,
};
use crate::fmt::print_json;
use crate::Outcome;
use astana_freight_corridor::sim;
use astana_model::Scenario;
use astana_query::corridor as query;
use std::io::IsTerminal;
use std::path::Path;

fn by(b: ByArg) -> String {
    match b {
        ByArg::Time => "time",
        ByArg::Cost => "cost",
        ByArg::Generalized => "generalized",
    }
    .to_string()
}

pub(crate) fn run(scenario_dir: Option<&Path>, command: CorridorCommand) -> Outcome {
    if let CorridorCommand::Queue(a) = &command {
        return queue_cmd(a);
    }
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    match command {
        // The scenario is loaded for this query only: its rows move into the network.
        CorridorCommand::Routes(a) => routes(scenario, &a),
        CorridorCommand::Bottleneck(a) => bottleneck(&scenario, &a),
        CorridorCommand::Assign(a) => assign_cmd(&scenario, &a),
        CorridorCommand::Simulate(a) => simulate(&scenario, &a),
        CorridorCommand::Volumes(a) => volumes_cmd(&scenario, &a),
        CorridorCommand::Queue(_) => Ok(()),
    }
}

fn routes(scenario: Scenario, a: &RoutesArgs) -> Outcome {
    let p = query::RoutesParams {
        from: a.od.from.clone(),
        to: a.od.to.clone(),
        all_pairs: a.all_pairs,
        avoid: a.filter.avoid.join(","),
        close: a.filter.close.join(","),
        corridor: a.filter.corridor.clone(),
        by: by(a.by),
        value_of_time: a.value_of_time,
        k: a.k,
    };
    let net = query::into_network(scenario)?;
    let r = query::routes_on(&net, &p)?;
    // The process ends after printing: freeing a large network's ~10⁵ strings one by one
    // was 7 % of a run on 10,000 nodes, for nothing.
    std::mem::forget(net);
    if a.json {
        return print_json(&r);
    }
    let r = match r {
        query::RoutesReport::AllPairs(x) => {
            out!(
                "{} ordered pairs, {} routes (k = {})",
                x.pairs(),
                x.routes(),
                x.k
            );
            return Ok(());
        }
        query::RoutesReport::Od(r) => r,
    };
    let (found, by_name) = (&r.routes, r.by);
    out!(
        "{} → {} · {} best routes by {by_name}",
        r.from_name,
        r.to_name,
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
    let from_id = &r.from;
    for r in found {
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
        out!("      via {} {}", from_id, via.join(" "));
    }
    out!("days: running time plus dwell at the nodes passed; tr: changes of mode or gauge");
    Ok(())
}

fn teu(x: Option<f64>) -> String {
    x.map_or("unlimited".to_string(), |v| format!("{:.0} TEU/yr", v))
}

fn bottleneck(scenario: &Scenario, a: &BottleneckArgs) -> Outcome {
    let p = query::BottleneckParams {
        from: Some(a.od.from.clone()),
        to: Some(a.od.to.clone()),
        avoid: a.filter.avoid.join(","),
        close: a.filter.close.join(","),
        corridor: a.filter.corridor.clone(),
        set: a.set.join(","),
    };
    let r = query::bottleneck(scenario, &p)?;
    if a.json {
        return print_json(&r);
    }
    let (base, after) = (&r.base, &r.after);
    out!(
        "{} → {}{} · maximum flow {}",
        r.from_name,
        r.to_name,
        r.corridor
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
            r.set.join(", "),
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
    let p = query::AssignParams {
        from: Some(a.od.from.clone()),
        to: Some(a.od.to.clone()),
        avoid: a.filter.avoid.join(","),
        close: a.filter.close.join(","),
        corridor: a.filter.corridor.clone(),
        demand: Some(a.demand),
        k: a.k,
        theta: a.theta,
        value_of_time: a.value_of_time,
    };
    let x = query::assign(scenario, &p)?;
    if a.json {
        return print_json(&x);
    }
    let r = &x.assignment;
    out!(
        "{} → {} · {:.0} TEU/yr split over {} routes (logit θ = {} per USD, value of time {} USD/FEU-h)",
        x.from_name,
        x.to_name,
        a.demand,
        x.candidates,
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
    let p = query::SimulateParams {
        from: a.from.clone(),
        to: a.to.clone(),
        avoid: a.filter.avoid.join(","),
        close: a.filter.close.join(","),
        corridor: a.filter.corridor.clone(),
        demand: a.demand,
        days: a.days,
        seed: a.seed,
        teu_per_train: a.teu_per_train,
        caspian_closure: a.caspian_closure,
    };
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let days = a.days;
    let report = |x: f64, _: &str| {
        if tty && x < 1.0 && started.elapsed().as_secs_f64() > 1.0 {
            eprint!("\r  simulating… day {:.0}", x * days);
        }
    };
    let never = || false;
    let progress = astana_query::Progress {
        report: &report,
        cancelled: &never,
    };
    let x = query::simulate(scenario, &p, Some(&progress))?;
    if tty && started.elapsed().as_secs_f64() > 1.0 {
        eprintln!();
    }
    if a.json {
        return print_json(&x);
    }
    let (r, pairs) = (&x.result, x.pairs);
    out!(
        "Simulation: {:.0} TEU/yr over {} origin–destination pairs, {} days, trains of {} TEU, seed {}, Caspian sailings cancelled with p = {}",
        a.demand,
        pairs,
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
    let r = query::queue(&query::QueueParams {
        servers: Some(a.servers),
        arrival_rate: Some(a.arrival_rate),
        service_rate: Some(a.service_rate),
        customers: a.customers,
        seed: a.seed,
    })?;
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
    let r = query::volumes(
        scenario,
        &query::VolumesParams {
            corridor: a.corridor.clone(),
            to: a.to,
            window: a.window,
            capacity_mt: a.capacity_mt,
        },
    )?;
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
