import itertools
import json
import math
import subprocess
import tomllib

import pytest

import astana

from conftest import SCENARIO

TRANS_CASPIAN = SCENARIO / "negotiation" / "trans-caspian.toml"


def ref(reference, name):
    return json.loads((reference / "negotiation" / "refs" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["Laptop", "ItexvsCypress", "NewSporthal3p", "Grocery"])
def test_a_genius_domains_nash_point_and_frontier_are_the_references(reference, name):
    want = ref(reference, name)
    r = astana.negotiation.analyze(reference / "negotiation" / "domains" / name)
    assert r["outcomes"] == want["n_outcomes"]
    assert r["method"] == "frontier"
    assert len(r["pareto"]) == want["pareto_size"]
    nash = want["nash_rv"]["points"][0]
    assert r["nash"]["utilities"] == pytest.approx(nash["utilities"], abs=1e-12)
    assert list(r["nash"]["outcome"].values()) == nash["outcome"]
    assert r["nash"]["product_of_gains"] == pytest.approx(nash["product_of_gains"], rel=1e-12)
    front = sorted(tuple(round(x, 9) for x in p) for p in r["pareto"])
    assert front == sorted(tuple(round(x, 9) for x in p) for p in want["pareto"])


def test_a_domain_folder_the_xml_with_profiles_and_the_texts_agree(reference):
    d = reference / "negotiation" / "domains" / "Laptop"
    a = astana.negotiation.analyze(d)
    b = astana.negotiation.analyze(
        d / "laptop_domain.xml", [d / "laptop_buyer_utility.xml", d / "laptop_seller_utility.xml"]
    )
    texts = [(d / f).read_text() for f in ("laptop_buyer_utility.xml", "laptop_seller_utility.xml")]
    c = astana.negotiation.analyze((d / "laptop_domain.xml").read_text(), texts)
    assert a["nash"] == b["nash"] == c["nash"]
    assert a["pareto"] == b["pareto"] == c["pareto"]


def test_the_document_is_the_clis(cli):
    out = subprocess.run(
        [str(cli), "mediate", "analyze", "--domain", str(TRANS_CASPIAN), "--json"], capture_output=True, check=True
    )
    assert astana.negotiation.analyze(TRANS_CASPIAN) == json.loads(out.stdout)


def test_a_dict_domain_is_the_toml_file():
    doc = tomllib.loads(TRANS_CASPIAN.read_text())
    a = astana.negotiation.analyze(doc)
    b = astana.negotiation.analyze(TRANS_CASPIAN)
    assert a["nash"] == b["nash"] and a["pareto"] == b["pareto"]
    assert a["nash"]["utilities"] == pytest.approx([0.695, 0.74, 0.775], abs=1e-12)


def test_the_frontier_as_a_dataframe():
    pd = pytest.importorskip("pandas")
    r = astana.negotiation.analyze(TRANS_CASPIAN, frontier="pandas")
    df = r["pareto"]
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns[:3]) == ["KAZ", "AZE", "GEO"]
    assert len(df) == len(r["pareto_outcomes"])
    assert "through_tariff" in df.columns


def test_a_bad_domain_is_a_located_input_error(tmp_path, cli):
    bad = tmp_path / "bad.toml"
    text = TRANS_CASPIAN.read_text().replace("reservation = 0.448", "reservation = 1.7")
    bad.write_text(text)
    with pytest.raises(astana.InputError) as e:
        astana.negotiation.analyze(bad)
    out = subprocess.run([str(cli), "mediate", "analyze", "--domain", str(bad)], capture_output=True)
    assert out.returncode == 2
    assert str(e.value) == out.stderr.decode().rstrip("\n")
    line = text.splitlines().index("reservation = 1.7") + 1
    assert e.value.errors[0]["line"] == line


def test_runs_give_a_transcript():
    r = astana.negotiation.run(TRANS_CASPIAN, agents=["boulware", "conceder", "linear"], rounds=50)
    assert r["protocol"] == "alternating-offers"
    assert r["agents"] == ["boulware", "conceder", "linear"]
    assert len(r["trace"]) == r["offers"] > 0
    assert r["nash"]["utilities"] == pytest.approx([0.695, 0.74, 0.775], abs=1e-12)
    s = astana.negotiation.run(TRANS_CASPIAN, protocol="single-text", rounds=50)
    assert s["steps"], "the single text's steps are the transcript"
    with pytest.raises(astana.InputError, match="did you mean `single-text`"):
        astana.negotiation.run(TRANS_CASPIAN, protocol="single-txt")
    with pytest.raises(astana.InputError, match="tolerance"):
        astana.negotiation.run(TRANS_CASPIAN, protocol="single-text", tolerance=float("nan"))


def _negmas_ufuns(doc):
    """NegMAS utility functions with GENIUS semantics for a native TOML domain."""
    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = [make_issue(values=list(i["values"]), name=i["name"]) for i in doc["issue"]]
    ufuns = []
    for p in doc["party"]:
        values = {}
        for i in doc["issue"]:
            ev = p["evaluations"][i["name"]]
            values[i["name"]] = TableFun({v: e / max(ev) for v, e in zip(i["values"], ev)})
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values, weights=p["weights"], issues=issues, reserved_value=p["reservation"]
            )
        )
    return issues, ufuns


def _dominated(u, points):
    return any(all(a >= b for a, b in zip(q, u)) and any(a > b for a, b in zip(q, u)) for q in points)


def _compare_with_negmas(doc):
    """Our frontier is the brute-force one (utilities rounded to 1e-9); NegMAS 0.16's
    pareto_frontier holds it, plus points dominated once an ulp is ignored (it compares
    sums that differ in the last bit); the Nash points are the same."""
    from negmas.preferences.ops import nash_points, pareto_frontier

    issues, ufuns = _negmas_ufuns(doc)
    front, _ = pareto_frontier(ufuns, issues=issues)
    rv = [p["reservation"] for p in doc["party"]]
    rational = [tuple(float(x) for x in u) for u in front if all(a >= b for a, b in zip(u, rv))]
    r = astana.negotiation.analyze(doc)
    ours = {tuple(round(x, 9) for x in p) for p in r["pareto"]}
    theirs = {tuple(round(x, 9) for x in p) for p in rational}
    outcomes = itertools.product(*[i["values"] for i in doc["issue"]])
    everything = [tuple(round(float(u(o)), 9) for u in ufuns) for o in outcomes]
    brute = {u for u in everything if all(a >= b for a, b in zip(u, rv)) and not _dominated(u, everything)}
    assert ours == brute
    assert ours <= theirs
    assert all(_dominated(u, everything) for u in theirs - ours)
    (point, _), *_ = nash_points(ufuns, rational, ranges=[(x, 1.0) for x in rv], issues=issues)
    assert r["nash"]["utilities"] == pytest.approx([float(x) for x in point], abs=1e-12)
    assert math.prod(u - x for u, x in zip(r["nash"]["utilities"], rv)) == pytest.approx(
        r["nash"]["product_of_gains"], rel=1e-12
    )
    return len(theirs - ours)


def test_negmas_agrees_on_the_frontier_and_the_nash_point():
    pytest.importorskip("negmas")
    doc = tomllib.loads(TRANS_CASPIAN.read_text())
    # Three parties: NegMAS keeps two points that (0.745, 0.66, 0.765) dominates.
    assert _compare_with_negmas(doc) == 2
    # Two parties, three issues, no reservation.
    keep = ("through_tariff", "ferry_slots", "data_sharing")
    two = {
        "name": "two",
        "issue": doc["issue"][:3],
        "party": [
            dict(
                p,
                weights=dict(zip(keep, (0.5, 0.3, 0.2))),
                evaluations={k: p["evaluations"][k] for k in keep},
                reservation=0.0,
            )
            for p in doc["party"][:2]
        ],
    }
    _compare_with_negmas(two)
