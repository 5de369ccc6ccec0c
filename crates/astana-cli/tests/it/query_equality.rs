//! `astana X --json` and `astana_query` answer the same question with the same document:
//! for every command family, the binary's stdout is byte for byte
//! `serde_json::to_string_pretty` of the library's report for the same parameters, on the
//! embedded scenario and on at least one non-default input. (Text, not parsed values:
//! parsing floats back may differ in the last bit.)
//!
//! Excluded fields, by name, and only these: [`TIMING_AND_PATH`] (the brief's wall-clock
//! time and its output file, which belong to the CLI's run, not to the question).

use super::{json, workspace_root};
use astana_query as q;
use serde::Serialize;

/// The only fields not compared: `brief --json`'s `seconds` (a timing) and `out` (the
/// CLI's output path).
const TIMING_AND_PATH: [&str; 2] = ["seconds", "out"];

fn doc<T: Serialize>(r: &T) -> String {
    serde_json::to_string_pretty(r).expect("report serialises") + "\n"
}

fn embedded() -> astana_model::Scenario {
    astana_scenario::load_embedded().expect("embedded").0
}

fn file(rel: &str) -> String {
    workspace_root().join(rel).display().to_string()
}

fn text(path: &str) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// The CLI's document is the library's, byte for byte.
fn same(args: &[&str], library: String) {
    let o = super::astana(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", super::stderr(&o));
    let cli = super::stdout(&o);
    assert!(
        cli == library,
        "{args:?}: the CLI and the library differ\nCLI:     {cli}\nlibrary: {library}"
    );
}

#[test]
fn balance_documents_are_the_librarys() {
    let s = embedded();
    let cases: Vec<(Vec<&str>, q::balance::Params)> = vec![
        (vec![], q::balance::Params::default()),
        (
            vec![
                "--shock",
                "CHN=-0.5,TUR=-1",
                "--dependence",
                "--flow",
                "exports",
            ],
            q::balance::Params {
                shock: Some("CHN=-0.5,TUR=-1".into()),
                dependence: true,
                flow: Some("exports".into()),
                ..Default::default()
            },
        ),
        (
            vec!["--year", "2022", "--mirror", "--n", "200"],
            q::balance::Params {
                year: Some(2022),
                mirror: true,
                n: Some(200),
                ..Default::default()
            },
        ),
        (
            vec!["--all", "--flow", "imports"],
            q::balance::Params {
                all: true,
                flow: Some("imports".into()),
                ..Default::default()
            },
        ),
        (
            vec!["--trend"],
            q::balance::Params {
                trend: true,
                ..Default::default()
            },
        ),
    ];
    for (flags, p) in cases {
        let mut args = vec!["balance", "--json"];
        args.extend(flags);
        same(&args, doc(&q::balance::run(&s, &p).expect("balance")));
    }
}

#[test]
fn alignment_documents_are_the_librarys() {
    // No roll-call data in the test's environment: both read the scenario's table.
    let s = embedded();
    let p = q::balance::AlignmentParams {
        with: "CHN,USA".into(),
        from: 2010,
        ..Default::default()
    };
    let lib = doc(&q::balance::alignment(&s, q::balance::Votes::Scenario, &p).expect("alignment"));
    same(
        &[
            "balance",
            "alignment",
            "--with",
            "CHN,USA",
            "--from",
            "2010",
            "--json",
        ],
        lib,
    );
}

#[test]
fn corridor_documents_are_the_librarys() {
    let s = embedded();
    let routes = q::corridor::RoutesParams {
        from: Some("Xi'an".into()),
        to: Some("Duisburg".into()),
        k: 3,
        avoid: "RUS,BLR".into(),
        ..Default::default()
    };
    same(
        &[
            "corridor", "routes", "--from", "Xi'an", "--to", "Duisburg", "--k", "3", "--avoid",
            "RUS,BLR", "--json",
        ],
        doc(&q::corridor::routes(&s, &routes).expect("routes")),
    );
    let by_cost = q::corridor::RoutesParams {
        from: Some("xian".into()),
        to: Some("Poti".into()),
        by: "cost".into(),
        ..Default::default()
    };
    same(
        &[
            "corridor", "routes", "--from", "xian", "--to", "Poti", "--by", "cost", "--json",
        ],
        doc(&q::corridor::routes(&s, &by_cost).expect("routes")),
    );
    let all_pairs = q::corridor::RoutesParams {
        all_pairs: true,
        k: 2,
        ..Default::default()
    };
    same(
        &["corridor", "routes", "--all-pairs", "--k", "2", "--json"],
        doc(&q::corridor::routes(&s, &all_pairs).expect("all pairs")),
    );
    let b = q::corridor::BottleneckParams {
        from: Some("Altynkol".into()),
        to: Some("Poti".into()),
        corridor: Some("middle-caspian".into()),
        set: "L030.capacity=150000".into(),
        ..Default::default()
    };
    same(
        &[
            "corridor",
            "bottleneck",
            "--from",
            "Altynkol",
            "--to",
            "Poti",
            "--corridor",
            "middle-caspian",
            "--set",
            "L030.capacity=150000",
            "--json",
        ],
        doc(&q::corridor::bottleneck(&s, &b).expect("bottleneck")),
    );
    let a = q::corridor::AssignParams {
        from: Some("xian".into()),
        to: Some("duisburg".into()),
        demand: Some(200_000.0),
        avoid: "RUS,BLR".into(),
        ..Default::default()
    };
    same(
        &[
            "corridor", "assign", "--demand", "200000", "--from", "xian", "--to", "duisburg",
            "--avoid", "RUS,BLR", "--json",
        ],
        doc(&q::corridor::assign(&s, &a).expect("assign")),
    );
    let sim = q::corridor::SimulateParams {
        days: 30.0,
        seed: 7,
        close: "L030".into(),
        ..Default::default()
    };
    same(
        &[
            "corridor", "simulate", "--days", "30", "--seed", "7", "--close", "L030", "--json",
        ],
        doc(&q::corridor::simulate(&s, &sim, None).expect("simulate")),
    );
    let queue = q::corridor::QueueParams {
        servers: Some(2),
        arrival_rate: Some(1.6),
        service_rate: Some(1.0),
        customers: 20_000,
        ..Default::default()
    };
    same(
        &[
            "corridor",
            "queue",
            "--servers",
            "2",
            "--arrival-rate",
            "1.6",
            "--service-rate",
            "1",
            "--customers",
            "20000",
            "--json",
        ],
        doc(&q::corridor::queue(&queue).expect("queue")),
    );
    let v = q::corridor::VolumesParams {
        to: 2028,
        window: 2,
        ..Default::default()
    };
    same(
        &[
            "corridor", "volumes", "--to", "2028", "--window", "2", "--json",
        ],
        doc(&q::corridor::volumes(&s, &v).expect("volumes")),
    );
}

#[test]
fn power_documents_are_the_librarys() {
    for (game, flags, p) in [
        ("unsc.toml", vec![], q::power::Params::default()),
        (
            "sco.toml",
            vec!["--index", "banzhaf,johnston"],
            q::power::Params {
                index: "banzhaf,johnston".into(),
                ..Default::default()
            },
        ),
        (
            "unsc.toml",
            vec!["--monte-carlo", "--samples", "2000", "--seed", "3"],
            q::power::Params {
                monte_carlo: true,
                samples: 2000,
                seed: 3,
                ..Default::default()
            },
        ),
    ] {
        let path = file(&format!("data/scenarios/kazakhstan/power/{game}"));
        let lib = q::power::run_text(&path, &text(&path), &p, None).expect("power");
        let mut args = vec!["power", path.as_str(), "--json"];
        args.extend(flags);
        same(&args, doc(&lib));
    }
    // compare, with a tenure file.
    let games: Vec<String> = ["unsc", "unsc-g4-2005-q14", "unsc-ufc-2005-q15"]
        .iter()
        .map(|g| file(&format!("data/scenarios/kazakhstan/power/{g}.toml")))
        .collect();
    let tenure = file("data/scenarios/kazakhstan/power/tenure.toml");
    let texts: Vec<(String, String)> = games.iter().map(|g| (g.clone(), text(g))).collect();
    let p = q::power::CompareParams {
        player: "E*".into(),
        ..Default::default()
    };
    let lib = q::power::compare(&texts, Some((&tenure, &text(&tenure))), &p).expect("compare");
    let mut args = vec!["power", "compare"];
    args.extend(games.iter().map(String::as_str));
    args.extend(["--player", "E*", "--tenure", &tenure, "--json"]);
    same(&args, doc(&lib));
}

#[test]
fn mediate_documents_are_the_librarys() {
    let domain = file("data/scenarios/kazakhstan/negotiation/trans-caspian.toml");
    let files = vec![(domain.clone(), text(&domain))];
    let lib =
        q::mediate::analyze_files(&files, &q::mediate::Params::default(), None).expect("analyze");
    same(
        &["mediate", "analyze", "--domain", &domain, "--json"],
        doc(&lib),
    );
    let run = q::mediate::RunParams {
        agents: "boulware,conceder,linear".into(),
        trace: true,
        ..Default::default()
    };
    let parties = lib.negotiation.parties.len();
    let agents: Vec<&str> = ["boulware", "conceder", "linear"][..parties.min(3)].to_vec();
    let run = q::mediate::RunParams {
        agents: agents.join(","),
        ..run
    };
    let lib = q::mediate::run_files(&files, &run, None).expect("run");
    same(
        &[
            "mediate",
            "run",
            "--domain",
            &domain,
            "--agents",
            &agents.join(","),
            "--trace",
            "--json",
        ],
        doc(&lib),
    );
    let single = q::mediate::RunParams {
        protocol: "single-text".into(),
        seed: 5,
        ..Default::default()
    };
    let lib = q::mediate::run_files(&files, &single, None).expect("single text");
    same(
        &[
            "mediate",
            "run",
            "--domain",
            &domain,
            "--protocol",
            "single-text",
            "--seed",
            "5",
            "--json",
        ],
        doc(&lib),
    );
}

/// The scenario's forum folder as the library takes it.
fn forum_files(dir: &str) -> Vec<(String, String)> {
    [
        "forum.toml",
        "rooms.csv",
        "participants.csv",
        "requests.csv",
        "panels.csv",
    ]
    .iter()
    .map(|n| ((*n).to_string(), text(&format!("{dir}/{n}"))))
    .collect()
}

#[test]
fn forum_documents_are_the_librarys() {
    let dir = file("data/scenarios/kazakhstan/forum");
    let f = q::forum::read_forum(&forum_files(&dir)).expect("forum");
    // No search time: the construction alone, the same on every run.
    let p = q::forum::Params {
        seconds: 0.0,
        seed: 2,
        ..Default::default()
    };
    let lib = q::forum::schedule(&f, &p, None, &mut |_| {}).expect("schedule");
    let args = [
        "forum",
        "schedule",
        &dir,
        "--seconds",
        "0",
        "--seed",
        "2",
        "--json",
    ];
    same(&args, doc(&lib));
    let cli = json(&args);
    // check the schedule just made (feasible: exit 0).
    let out = super::scratch("query-eq-forum");
    let s = out.join("s.json");
    std::fs::write(&s, serde_json::to_string_pretty(&cli).expect("json")).expect("write");
    let s = s.display().to_string();
    let file = q::forum::read_schedule(&s, &text(&s)).expect("schedule file");
    let lib = q::forum::check(&f, &s, &file).expect("check");
    same(&["forum", "check", &dir, &s, "--json"], doc(&lib));
    // replan after closing a hall for the first slots.
    let c = out.join("c.csv");
    let room = &f.rooms.last().expect("a room").id;
    let change = format!("change,id,value\nclose_room,{room},0:2\n");
    std::fs::write(&c, &change).expect("write");
    let c = c.display().to_string();
    let lib = q::forum::replan(&f, &s, &file, &c, &change, &p, None).expect("replan");
    same(
        &[
            "forum",
            "replan",
            &dir,
            &s,
            "--change",
            &c,
            "--seconds",
            "0",
            "--seed",
            "2",
            "--json",
        ],
        doc(&lib),
    );
}

#[test]
fn scenario_check_documents_are_the_librarys() {
    same(
        &["scenario", "check", "--json"],
        doc(&q::scenario::check_embedded()),
    );
    let dir = file("data/scenarios/kazakhstan");
    let lib = q::scenario::check(&dir, astana_scenario::load_dir(std::path::Path::new(&dir)));
    same(&["scenario", "check", &dir, "--json"], doc(&lib));
}

#[test]
fn brief_summary_is_the_librarys_without_timing_and_path() {
    let out = super::scratch("query-eq-brief").join("b.html");
    let out = out.display().to_string();
    for (flags, year) in [(vec![], None), (vec!["--year", "2022"], Some(2022))] {
        let mut args = vec!["brief", "--out", out.as_str(), "--json"];
        args.extend(flags);
        let mut cli = json(&args);
        let lib = q::brief::run(
            &embedded(),
            &q::brief::Params {
                year,
                ..Default::default()
            },
        )
        .expect("brief");
        let o = cli.as_object_mut().expect("object");
        for k in TIMING_AND_PATH {
            assert!(o.remove(k).is_some(), "brief --json has no {k}");
        }
        assert_eq!(cli, serde_json::to_value(&lib).expect("json"));
    }
}

/// A GENIUS domain and its profiles, read from memory by the library as the CLI reads
/// them from files; and alignment on the roll-call data, when the reference folder has it.
#[test]
fn genius_and_roll_call_documents_are_the_librarys() {
    let Some(reference) = super::reference::reference_dir() else {
        return;
    };
    let laptop = reference.join("negotiation/domains/Laptop");
    let names = [
        "laptop_domain.xml",
        "laptop_buyer_utility.xml",
        "laptop_seller_utility.xml",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| laptop.join(n).display().to_string())
        .collect();
    let files: Vec<(String, String)> = paths.iter().map(|p| (p.clone(), text(p))).collect();
    let lib =
        q::mediate::analyze_files(&files, &q::mediate::Params::default(), None).expect("analyze");
    same(
        &[
            "mediate",
            "analyze",
            "--domain",
            &paths[0],
            "--profile",
            &paths[1],
            "--profile",
            &paths[2],
            "--json",
        ],
        doc(&lib),
    );
    let dir = reference.join("balance/unvotes");
    let data = astana_scenario::read_unvotes(&dir).expect("roll calls");
    let origin = format!("roll-call data in {}", dir.display());
    let p = q::balance::AlignmentParams::default();
    let lib = q::balance::alignment(
        &embedded(),
        q::balance::Votes::RollCalls(&data, &origin),
        &p,
    )
    .expect("alignment");
    let o = super::astana_cmd(&["balance", "alignment", "--json"])
        .env("ASTANA_REFERENCE_DIR", &reference)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", super::stderr(&o));
    assert_eq!(super::stdout(&o), doc(&lib));
}
