import json
import subprocess
from fractions import Fraction

import pytest

import astana

from conftest import SCENARIO


INDICES = ["shapley_shubik", "banzhaf", "banzhaf_absolute", "johnston", "deegan_packel", "holler"]
REF_NAME = {"banzhaf": "banzhaf_normalized"}


def unsc_game():
    """The Security Council as the reference's equivalent weighted game [39; 7×5, 1×10]."""
    return {
        "name": "UN Security Council",
        "quota": 39,
        "players": [{"id": p, "weight": 7} for p in ("CHN", "FRA", "RUS", "GBR", "USA")]
        + [{"id": f"E{i:02}", "weight": 1} for i in range(1, 11)],
    }


def test_unsc_matches_the_reference_exactly(reference):
    ref = json.loads((reference / "power" / "unsc.json").read_text())
    exp = ref["expected_exact"]
    r = astana.power.indices(unsc_game())
    assert r["method"] == "exact"
    assert list(r["indices"]) == INDICES
    # Reference players: 5 permanent then Elected1..10, in our order.
    for ours, theirs in zip(r["players"], ref["players"]):
        for ix in INDICES:
            got = r["indices"][ix][ours]["exact"]
            assert isinstance(got, Fraction)
            assert got == Fraction(exp[REF_NAME.get(ix, ix)][theirs]), (ix, ours)
    # The published values.
    assert r["indices"]["shapley_shubik"]["CHN"]["exact"] == Fraction(421, 2145)
    assert r["indices"]["shapley_shubik"]["E01"]["exact"] == Fraction(4, 2145)
    assert sum(v["exact"] for v in r["indices"]["shapley_shubik"].values()) == 1


def test_the_scenarios_unsc_file_and_the_rule_form_agree():
    r = astana.power.indices(SCENARIO / "power" / "unsc.toml", index="shapley_shubik")
    assert r["game"] == "UN Security Council"
    assert r["indices"]["shapley_shubik"]["CHN"]["exact"] == Fraction(421, 2145)
    assert isinstance(r["winning_coalitions"], int)
    # The same game as a TOML string and as a rule dict.
    text = (SCENARIO / "power" / "unsc.toml").read_text()
    s = astana.power.indices(text, index="shapley_shubik")
    assert s["indices"] == r["indices"]


def test_eec_1958_banzhaf_is_the_published_one(reference):
    ref = json.loads((reference / "power" / "eec1958.json").read_text())
    w = ref["rule"]["weights"] if "weights" in ref["rule"] else None
    players = ref["players"]
    if w is None:
        w = [4, 4, 4, 2, 2, 1]
    game = {"quota": 12, "players": [{"id": p.replace(" ", "_"), "weight": x} for p, x in zip(players, w)]}
    r = astana.power.indices(game, index="banzhaf")
    got = [r["indices"]["banzhaf"][p.replace(" ", "_")]["exact"] for p in players]
    assert got == [Fraction(5, 21)] * 3 + [Fraction(1, 7)] * 2 + [Fraction(0)]


def test_powerindex_agrees_on_the_security_council_and_the_electoral_college(reference):
    px = pytest.importorskip("powerindex")
    g = px.Game(39, weights=[7] * 5 + [1] * 10)
    g.calc_banzhaf()
    g.calc_shapley_shubik()
    r = astana.power.indices(unsc_game(), index=["shapley_shubik", "banzhaf"])
    for i, p in enumerate(r["players"]):
        assert r["indices"]["shapley_shubik"][p]["value"] == pytest.approx(g.shapley_shubik[i], abs=1e-15)
        assert r["indices"]["banzhaf"][p]["value"] == pytest.approx(g.banzhaf[i], abs=1e-15)
    ec = json.loads((reference / "power" / "us_electoral_college_2012.json").read_text())
    weights = ec["rule"]["weights"]
    quota = ec["rule"]["quota"]
    g = px.Game(quota, weights=weights)
    g.calc_banzhaf()
    game = {"quota": quota, "players": [{"id": p.replace(" ", "_"), "weight": w} for p, w in zip(ec["players"], weights)]}
    r = astana.power.indices(game, index="banzhaf")
    for i, p in enumerate(ec["players"]):
        assert r["indices"]["banzhaf"][p.replace(" ", "_")]["value"] == pytest.approx(g.banzhaf[i], abs=1e-12)


def test_the_document_is_the_clis(cli):
    path = SCENARIO / "power" / "unsc.toml"
    out = subprocess.run([str(cli), "power", str(path), "--json"], capture_output=True, check=True)
    want = json.loads(out.stdout)
    got = astana.power.indices(str(path))
    for per in got["indices"].values():
        for v in per.values():
            v["exact"] = str(v["exact"])
    got["winning_coalitions"] = str(got["winning_coalitions"])
    got["minimal_winning_coalitions"] = str(got["minimal_winning_coalitions"])
    assert got == want


def test_a_bad_game_is_a_located_input_error_with_the_clis_text(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('rule = "weight >= "\n[[player]]\nid = "A"\nweight = 1\n')
    with pytest.raises(astana.InputError) as e:
        astana.power.indices(bad)
    out = subprocess.run([str(cli), "power", str(bad)], capture_output=True)
    assert out.returncode == e.value.exit_code == 2
    assert str(e.value) == out.stderr.decode().rstrip("\n")
    assert str(e.value).startswith(f"error: {bad}:1:")
    assert e.value.errors[0]["file"] == str(bad)
    assert e.value.errors[0]["line"] == 1
    assert isinstance(e.value, ValueError)


def test_unknown_index_and_method_are_input_errors():
    with pytest.raises(astana.InputError, match="shapley"):
        astana.power.indices(unsc_game(), index="shapely_shubik")
    with pytest.raises(astana.InputError, match="did you mean `enumeration`"):
        astana.power.indices(unsc_game(), method="enumeraton")


def test_estimates_carry_their_error_and_no_fraction():
    r = astana.power.indices(unsc_game(), index="banzhaf", monte_carlo=True, samples=2000, seed=3)
    assert r["method"] == "monte-carlo"
    v = r["indices"]["banzhaf"]["CHN"]
    assert v["exact"] is None and v["stderr"] > 0
