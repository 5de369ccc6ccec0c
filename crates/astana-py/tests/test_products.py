"""Product diversification (``astana.balance.products`` and ``astana.balance.rca``) against a
peer computation in pandas/numpy on a seeded random table, a worked example and the errors.

The peer is written from the formulas (README, "Product diversification"), not from
astana's code: shares of the product sums, HHI Σs², normalised (HHI − 1/N)/(1 − 1/N),
UNCTAD (√HHI − √(1/N))/(1 − √(1/N)), entropy −Σ s ln s, Theil over the N potential lines
with zeros, its within part over the active lines and ln(N/n_active) between (Cadot,
Carrère & Strauss-Kahn 2011), and Balassa's RCA (x_ck/X_c)/(x_wk/X_w)."""

import math

import pytest

import astana

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

REPORTERS = ["KAZ", "UZB", "KGZ", "TKM", "TJK"]
PARTNERS = ["CHN", "RUS", "ITA", "TUR", "DEU", "KOR"]


def _table(seed=15, products=300):
    """A BACI-shaped table: heavy-tailed values (lognormal), most reporter × product pairs
    absent, some zero values, HS4 codes."""
    rng = np.random.default_rng(seed)
    codes = [f"{c:04d}" for c in rng.choice(np.arange(101, 9706), size=products, replace=False)]
    rows = []
    for r in REPORTERS:
        mine = rng.choice(codes, size=int(rng.integers(40, products)), replace=False)
        for code in mine:
            for p in rng.choice(PARTNERS, size=int(rng.integers(1, 4)), replace=False):
                v = float(np.round(rng.lognormal(13, 2.5), 2)) if rng.random() > 0.05 else 0.0
                rows.append((2022, r, p, "exports", code, v))
        # Noise the filters must drop: another year, imports, a row without a product.
        rows.append((2021, r, "CHN", "exports", codes[0], 1e9))
        rows.append((2022, r, "CHN", "imports", codes[0], 1e9))
        rows.append((2022, r, "WLD", "exports", None, 5e12))
    df = pd.DataFrame(rows, columns=["year", "reporter", "partner", "flow", "product", "value_usd"])
    df["source"] = "test"
    return df


def _peer(df, reporter, universe):
    sel = df[(df.year == 2022) & (df.flow == "exports") & df["product"].notna()]
    x = sel[sel.reporter == reporter].groupby("product")["value_usd"].sum()
    active = x[x > 0]
    total = active.sum()
    s = (active / total).to_numpy()
    hhi = float(np.sum(s**2))
    full = np.zeros(universe)
    full[: len(active)] = active.to_numpy()
    mu = full.mean()
    r = full[full > 0] / mu
    theil_total = float(np.sum(r * np.log(r)) / universe)
    ra = active.to_numpy() / active.mean()
    within = float(np.mean(ra * np.log(ra)))
    top = active.sort_values(ascending=False, kind="stable")
    return {
        "total_usd": float(total),
        "products_active": int(len(active)),
        "hhi": hhi,
        "hhi_normalized": (hhi - 1 / universe) / (1 - 1 / universe),
        "unctad_index": (math.sqrt(hhi) - math.sqrt(1 / universe)) / (1 - math.sqrt(1 / universe)),
        "entropy": float(-np.sum(s * np.log(s))),
        "effective_products": 1 / hhi,
        "theil": {"total": theil_total, "within": within, "between": math.log(universe / len(active))},
        "top": list(top.index[:10]),
    }


@pytest.mark.parametrize("reporter", REPORTERS)
def test_products_agree_with_a_pandas_peer(reporter):
    df = _table()
    got = astana.balance.products(df, reporter=reporter, year=2022, flow="exports")
    assert got["universe"] == 1228 and got["universe_basis"] == "hs4_headings"
    want = _peer(df, reporter, 1228)
    assert got["products_active"] == want["products_active"]
    for key in ["total_usd", "hhi", "hhi_normalized", "unctad_index", "entropy", "effective_products"]:
        assert got[key] == pytest.approx(want[key], rel=1e-12), key
    for key in ["total", "between", "within"]:
        assert got["theil"][key] == pytest.approx(want["theil"][key], rel=1e-12, abs=1e-12), key
    t = got["theil"]
    assert t["total"] == pytest.approx(t["between"] + t["within"], abs=1e-12)
    # Largest first; the peer's ties (equal values) are rare with lognormal values.
    assert [p["product"] for p in got["top"]] == want["top"]
    # A given universe changes N, the normalised indices and the extensive margin only.
    g = astana.balance.products(df, reporter=reporter, year=2022, universe=9000)
    w = _peer(df, reporter, 9000)
    assert g["universe_basis"] == "given"
    assert g["unctad_index"] == pytest.approx(w["unctad_index"], rel=1e-12)
    assert g["theil"]["between"] == pytest.approx(w["theil"]["between"], rel=1e-12)
    assert g["theil"]["within"] == pytest.approx(got["theil"]["within"], rel=1e-12)


def test_rca_agrees_with_a_pandas_peer():
    df = _table()
    sel = df[(df.year == 2022) & (df.flow == "exports") & df["product"].notna()]
    by = sel.groupby(["reporter", "product"])["value_usd"].sum()
    world = by.groupby(level="product").sum()
    got = astana.balance.rca(df, reporter="KAZ", year=2022)
    assert got["reporters"] == len(REPORTERS)
    assert got["reference_label"] == "RCA against the 5 reporters in this data, not the world"
    mine = by.loc["KAZ"]
    mine = mine[mine > 0]
    want = (mine / mine.sum()) / (world[mine.index] / world.sum())
    assert len(got["products"]) == len(want)
    for p in got["products"]:
        assert p["rca"] == pytest.approx(want[p["product"]], rel=1e-12), p["product"]
    assert got["products_with_advantage"] == int((want > 1).sum())
    rcas = [p["rca"] for p in got["products"]]
    assert rcas == sorted(rcas, reverse=True)


def test_worked_example_and_wld_rows():
    # 50/30/15/5 in a universe of 10 (the Rust unit test has the arithmetic).
    t = {
        "year": [2023] * 5,
        "reporter": ["KAZ"] * 5,
        "partner": ["CHN", "ITA", "RUS", "CHN", "WLD"],
        "flow": ["exports"] * 5,
        "product": ["27", "72", "26", "10", "72"],
        "value_usd": [50.0, 20.0, 15.0, 5.0, 30.0],
        "source": ["example"] * 5,
    }
    # Product 72 has a WLD row (30): it stands for 72, not 20 + 30.
    r = astana.balance.products(t, reporter="KAZ", year=2023, universe=10)
    assert r["hhi"] == pytest.approx(0.365, abs=1e-12)
    assert r["theil"]["total"] == pytest.approx(1.160465, abs=1e-6)
    assert r["theil"]["between"] == pytest.approx(math.log(2.5), abs=1e-12)
    assert r["theil"]["within"] == pytest.approx(0.244174, abs=1e-6)
    assert (r["reporter"], r["year"], r["flow"], r["period"]) == ("KAZ", 2023, "exports", "FY")


def test_errors():
    t = {
        "year": [2023, 2023],
        "reporter": ["KAZ", "KAZ"],
        "flow": ["exports", "exports"],
        "product": ["27", "72"],
        "value_usd": [0.0, 0.0],
    }
    with pytest.raises(astana.ComputationError, match="none with a value above zero") as e:
        astana.balance.products(t, reporter="KAZ", year=2023)
    assert e.value.exit_code == 1
    t["value_usd"] = [5.0, 1.0]
    with pytest.raises(astana.InputError, match="smaller than the 2 products") as e:
        astana.balance.products(t, reporter="KAZ", year=2023, universe=1)
    assert e.value.exit_code == 2
    for bad in (-3, 2.5, float("nan")):
        with pytest.raises(astana.InputError, match="universe="):
            astana.balance.products(t, reporter="KAZ", year=2023, universe=bad)
    t["value_usd"] = [float("nan"), 1.0]
    with pytest.raises(astana.InputError, match="row 0: value_usd is nan"):
        astana.balance.products(t, reporter="KAZ", year=2023)
    t["value_usd"] = [5.0, 1.0]
    t["product"] = ["27", "7201"]
    with pytest.raises(astana.InputError, match="mix HS levels"):
        astana.balance.products(t, reporter="KAZ", year=2023)
    with pytest.raises(astana.ComputationError, match="no exports product rows for UZB"):
        astana.balance.products(t, reporter="UZB", year=2023)
    with pytest.raises(astana.InputError, match="no 'reporter' column"):
        astana.balance.products({"year": [2023]}, reporter="KAZ", year=2023)
