//! Bad input: every problem located (file, line, column, element or field), all at once;
//! damaged files never panic.

use astana_negotiation::{genius, native};

const DOMAIN: &str = r#"<negotiation_template>
  <utility_space number_of_issues="2">
    <objective index="0" etype="objective" type="objective" name="Picnic">
      <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
        <item index="1" value="park"/>
        <item index="2" value="beach"/>
      </issue>
      <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Food">
        <item index="1" value="sandwich"/>
        <item index="2" value="pizza"/>
      </issue>
    </objective>
  </utility_space>
</negotiation_template>
"#;

const PROFILE: &str = r#"<utility_space>
  <objective index="0" etype="objective" type="objective" name="Picnic">
    <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
      <item index="1" value="park" evaluation="4"/>
      <item index="2" value="beach" evaluation="8"/>
    </issue>
    <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Food">
      <item index="1" value="sandwich" evaluation="3"/>
      <item index="2" value="pizza" evaluation="1"/>
    </issue>
    <weight index="1" value="0.6"/>
    <weight index="2" value="0.4"/>
  </objective>
  <reservation value="0.3"/>
</utility_space>
"#;

#[test]
fn xml_profile_errors_are_located_and_collected() {
    let bad = PROFILE
        .replace(
            r#"value="beach" evaluation="8""#,
            r#"value="sea" evaluation="8""#,
        )
        .replace(
            r#"value="pizza" evaluation="1""#,
            r#"value="pizza" evaluation="-1""#,
        )
        .replace(r#"<weight index="2" value="0.4"/>"#, "");
    let e = genius::read(("d.xml", DOMAIN), &[("a.xml", PROFILE), ("b.xml", &bad)])
        .expect_err("bad profile");
    let text = e.to_string();
    assert!(
        text.contains(
            "b.xml:5:7: <item value=\"sea\">: value \"sea\" is not a value of issue \"Place\""
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "b.xml:9:7: <item value=\"pizza\">: evaluation -1 must be a non-negative number"
        ),
        "{text}"
    );
    assert!(
        text.contains("issue \"Food\" (index 2) has no <weight>"),
        "{text}"
    );
    assert!(e.0.iter().all(|x| x.file == "b.xml"));
}

#[test]
fn malformed_xml_and_swapped_files_are_reported() {
    let e = genius::read(
        (
            "d.xml",
            "<negotiation_template>\n  <utility_space>\n</negotiation_template>",
        ),
        &[],
    )
    .expect_err("malformed");
    assert_eq!((e.0[0].file.as_str(), e.0[0].line), ("d.xml", 3), "{e}");
    assert!(e.0[0].message.starts_with("malformed XML"), "{e}");
    let e = genius::read(("p.xml", PROFILE), &[]).expect_err("a profile as domain");
    assert!(e.to_string().contains("pass it with --profile"), "{e}");
    let e = genius::read(("d.xml", DOMAIN), &[("a.xml", PROFILE)]).expect_err("one party");
    assert!(e.to_string().contains("at least two profiles"), "{e}");
}

const TOML: &str = r#"name = "Picnic"

[[issue]]
name = "place"
values = ["park", "beach"]

[[issue]]
name = "food"
values = ["sandwich", "pizza"]

[[party]]
id = "alice"
reservation = 0.3
weights = { place = 0.6, food = 0.4 }
[party.evaluations]
place = [4, 8]
food = [3, 1]

[[party]]
id = "bob"
weights = { place = 0.25, food = 0.75 }
[party.evaluations]
place = [5, 1]
food = [1, 4]
"#;

#[test]
fn native_toml_matches_the_genius_reading() {
    let a = native::read("picnic.toml", TOML).expect("valid");
    let b =
        genius::read(("d.xml", DOMAIN), &[("a.xml", PROFILE), ("b.xml", PROFILE)]).expect("valid");
    assert_eq!(a.parties[0].terms, b.parties[0].terms);
    assert_eq!(a.parties[0].reservation, 0.3);
    assert_eq!(a.utilities(&[0, 0]), vec![0.7, 0.25 + 0.75 * 0.25]);
}

#[test]
fn native_toml_errors_are_located_and_collected() {
    let bad = TOML
        .replace("food = [3, 1]", "food = [3, 1, 2]")
        .replace(
            "weights = { place = 0.25, food = 0.75 }",
            "weights = { place = 0.25, drink = 0.75 }",
        )
        .replace("place = [5, 1]", "place = [5, -1]");
    let e = native::read("picnic.toml", &bad).expect_err("bad");
    let text = e.to_string();
    assert!(text.contains("picnic.toml:17:8: party.evaluations: 3 evaluations for issue \"food\", which has 2 values"), "{text}");
    assert!(
        text.contains("picnic.toml:21:27: party.weights: \"drink\" is not an issue"),
        "{text}"
    );
    assert!(
        text.contains("party.weights: party \"bob\" has no weight for issue \"food\""),
        "{text}"
    );
    assert!(
        text.contains(
            "picnic.toml:23:13: party.evaluations: evaluation -1 must be a non-negative number"
        ),
        "{text}"
    );
    let e = native::read("x.toml", "name = \"x\"\n[[issue]]\nname = 3\n").expect_err("type");
    assert!(
        e.0.iter()
            .any(|x| (x.line, x.element.as_str()) == (3, "issue.name")),
        "{e}"
    );
    let e = native::read("x.toml", "nme = \"x\"\n").expect_err("unknown field");
    assert!(
        e.to_string()
            .contains("unknown key `nme`; did you mean `name`?"),
        "{e}"
    );
}

/// Random damage to valid XML and TOML never panics; whatever is accepted analyses.
#[test]
fn damaged_files_never_panic() {
    let mut seed = 0x0dd_ba11_cafe_f00d_u64;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m.max(1)
    };
    let alphabet: &[&str] = &[
        "<",
        ">",
        "/>",
        "\"",
        "=",
        "index=\"1\"",
        "value=\"x\"",
        "evaluation=\"1e308\"",
        "<issue index=\"9\" name=\"N\" type=\"integer\" lowerbound=\"0\" upperbound=\"3\">",
        "</issue>",
        "<weight index=\"1\" value=\"nan\"/>",
        "\n",
        "[",
        "]",
        "-",
        "0",
        "\u{e9}",
        "[[party]]\nid = \"z\"\n",
        "values = []",
        "type=\"real\"",
    ];
    let mut damage = |text: &str| {
        let mut text = text.to_string();
        for _ in 0..1 + next(4) {
            let at = next(text.len() as u64) as usize;
            let at = (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let mut end = (at + next(12) as usize).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(
                at..end.max(at),
                alphabet[next(alphabet.len() as u64) as usize],
            );
        }
        text
    };
    for round in 0..300 {
        let (d, p) = if round % 2 == 0 {
            (damage(DOMAIN), PROFILE.to_string())
        } else {
            (DOMAIN.to_string(), damage(PROFILE))
        };
        if let Ok(neg) = genius::read(("d.xml", &d), &[("a.xml", &p), ("b.xml", PROFILE)]) {
            let _ = astana_negotiation::analyze(&neg);
        }
        if let Ok(neg) = native::read("t.toml", &damage(TOML)) {
            let _ = astana_negotiation::analyze(&neg);
        }
    }
}

/// The issue-wise frontier equals a brute-force skyline over every outcome on random
/// domains of 2 to 4 parties (utilities compared on the same 1e-12 grid).
#[test]
fn frontier_equals_brute_force_on_random_domains() {
    let mut seed = 0x005e_ed0f_f00d_u64;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m.max(1)
    };
    for round in 0..60 {
        let parties = 2 + round % 3;
        let issues = 1 + next(4) as usize;
        let mut text = String::from("name = \"random\"\n");
        let sizes: Vec<usize> = (0..issues).map(|_| 1 + next(5) as usize).collect();
        for (j, &m) in sizes.iter().enumerate() {
            let values: Vec<String> = (0..m).map(|v| format!("\"v{v}\"")).collect();
            text.push_str(&format!(
                "[[issue]]\nname = \"i{j}\"\nvalues = [{}]\n",
                values.join(", ")
            ));
        }
        for p in 0..parties {
            let weights: Vec<String> = (0..issues)
                .map(|j| format!("i{j} = {}", next(5) as f64 / 4.0))
                .collect();
            text.push_str(&format!(
                "[[party]]\nid = \"p{p}\"\nreservation = {}\nweights = {{ {} }}\n[party.evaluations]\n",
                next(5) as f64 / 10.0,
                weights.join(", ")
            ));
            for (j, &m) in sizes.iter().enumerate() {
                let ev: Vec<String> = (0..m).map(|_| next(4).to_string()).collect();
                text.push_str(&format!("i{j} = [{}]\n", ev.join(", ")));
            }
        }
        let neg = native::read("random.toml", &text).expect("valid");
        let key = |u: f64| (u / 1e-12).round() as i64;
        let mut all: Vec<Vec<i64>> = Vec::new();
        neg.for_each_outcome(|_, sums| {
            let u: Vec<f64> = sums.iter().map(|x| x.min(1.0)).collect();
            if u.iter().zip(&neg.parties).all(|(x, p)| *x >= p.reservation) {
                all.push(u.iter().map(|&x| key(x)).collect());
            }
        });
        let mut brute: Vec<Vec<i64>> = all
            .iter()
            .filter(|a| {
                !all.iter()
                    .any(|b| b.iter().zip(a.iter()).all(|(x, y)| x >= y) && b != *a)
            })
            .cloned()
            .collect();
        brute.sort();
        brute.dedup();
        let mut ours: Vec<Vec<i64>> = astana_negotiation::pareto(&neg)
            .iter()
            .map(|p| p.utilities.iter().map(|&x| key(x)).collect())
            .collect();
        ours.sort();
        assert_eq!(ours, brute, "{text}");
    }
}
