//! `astana power` in double precision (issue 14): past the exact limits the float method
//! is the default for one weighted clause and says so; `--method float` forces it; the
//! values agree with the exact ones within the bound printed.

use super::{astana, scratch, stderr, stdout};
use serde_json::Value;

fn game(name: &str, text: &str) -> String {
    let path = scratch("power-float").join(name);
    std::fs::write(&path, text).expect("write game");
    path.to_string_lossy().into_owned()
}

/// 40 players, weights 1..1000 (seeded), quota half the total + 1.
fn players_40() -> String {
    let mut seed = 99u64;
    let w: Vec<u64> = (0..40)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            1 + (seed >> 33) % 1000
        })
        .collect();
    let mut text = format!(
        "name = \"random 40\"\nquota = {}\n",
        w.iter().sum::<u64>() / 2 + 1
    );
    for (i, x) in w.iter().enumerate() {
        text.push_str(&format!("[[player]]\nid = \"P{i}\"\nweight = {x}\n"));
    }
    game("p40.toml", &text)
}

#[test]
fn power_method_float_agrees_with_exact_within_its_bound() {
    let g = players_40();
    let o = astana(&["power", &g, "--method", "float", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("johnston, deegan_packel and holler have no floating-point method"),
        "{}",
        stderr(&o)
    );
    let f: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(f["method"], "float");
    assert_eq!(f["algorithm"], "Gauss–Legendre, 20 nodes");
    assert_eq!(f["nodes"], 20);
    let o = astana(&[
        "power",
        &g,
        "--index",
        "shapley_shubik,banzhaf,banzhaf_absolute",
        "--json",
    ]);
    let e: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(e["method"], "exact");
    for ix in ["shapley_shubik", "banzhaf", "banzhaf_absolute"] {
        let bound = f["max_abs_error"][ix].as_f64().expect("bound");
        assert!(bound > 0.0 && bound < 1e-13, "{ix}: {bound}");
        for i in 0..40 {
            let p = format!("P{i}");
            let a = f["indices"][ix][&p]["value"].as_f64().expect("float");
            let b = e["indices"][ix][&p]["value"].as_f64().expect("exact");
            assert!(
                (a - b).abs() <= bound + f64::EPSILON,
                "{ix} {p}: {a} vs {b}"
            );
        }
    }
    // The text output names the method and the bound.
    let o = astana(&[
        "power",
        &g,
        "--method",
        "float",
        "--index",
        "shapley_shubik",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "random 40 · 40 players · float (Gauss–Legendre, 20 nodes); every value within "
        ),
        "{out}"
    );
    assert!(out.contains("of the exact one"), "{out}");
}

#[test]
fn power_method_float_refuses_what_it_cannot_do() {
    let g = players_40();
    let o = astana(&["power", &g, "--method", "float", "--exact"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--method float cannot be used with --exact"),
        "{}",
        stderr(&o)
    );
    let o = astana(&["power", &g, "--method", "float", "--index", "holler"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holler has no floating-point method"),
        "{}",
        stderr(&o)
    );
    let two = game(
        "two.toml",
        "rule = \"a >= 2 and b >= 1\"\n[[player]]\nid = \"X\"\na = 1\nb = 1\n[[player]]\nid = \"Y\"\na = 1\nb = 0\n",
    );
    let o = astana(&["power", &two, "--method", "float"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("one weighted clause"), "{}", stderr(&o));
    let o = astana(&["power", &g, "--method", "flaot"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `float`"),
        "{}",
        stderr(&o)
    );
}
