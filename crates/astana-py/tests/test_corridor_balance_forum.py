import json
import math
import subprocess
import sys
import textwrap

import pytest

import astana

from conftest import SCENARIO


def erlang_c_wait(c, lam, mu):
    """Mean wait in queue of M/M/c (Erlang C), straight from the textbook formula."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


@pytest.mark.parametrize("c,lam,mu", [(3, 2.4, 1.0), (1, 0.5, 1.0), (10, 8.0, 1.0)])
def test_a_queue_is_checked_against_erlang_c(c, lam, mu):
    q = astana.corridor.queue(c, lam, mu)
    want = erlang_c_wait(c, lam, mu)
    assert q["erlang_c_mean_wait_hours"] == pytest.approx(want, rel=1e-12)
    # 10⁶ customers, seed 1: the simulated mean is within two confidence half-widths.
    assert abs(q["mean_wait_hours"] - want) <= 2 * q["ci95_hours"]
    assert q["customers"] == 1_000_000


def test_queue_errors_are_input_errors():
    with pytest.raises(astana.InputError, match=r"arrival_rate=nan|arrival_rate=NaN"):
        astana.corridor.queue(3, float("nan"), 1.0)
    with pytest.raises(astana.InputError, match="service_rate=inf"):
        astana.corridor.queue(3, 1.0, float("inf"))
    with pytest.raises(astana.InputError):
        astana.corridor.queue(0, 1.0, 1.0)


def test_routes_and_simulation_are_the_clis(cli):
    r = astana.corridor.routes("XIAN", "DUISBURG", k=2)
    out = subprocess.run(
        [str(cli), "corridor", "routes", "--from", "XIAN", "--to", "DUISBURG", "--k", "2", "--json"],
        capture_output=True,
        check=True,
    )
    assert r == json.loads(out.stdout)
    assert len(r["routes"]) == 2
    with pytest.raises(astana.InputError, match="did you mean"):
        astana.corridor.routes("XIAN", "DUISBERG")
    s = astana.corridor.simulate(days=60, demand=50_000)
    assert s["days"] == 60 and s["pairs"] > 0


def _flows():
    return {
        "year": [2023, 2023, 2023],
        "reporter": ["KAZ", "KAZ", "KAZ"],
        "partner": ["CHN", "RUS", "ITA"],
        "flow": ["exports", "exports", "exports"],
        "value_usd": [6e9, 3e9, 1e9],
        "source": ["example", "example", "example"],
    }


def test_balance_from_a_dict_pandas_polars_and_arrow_agree():
    want = astana.balance.measures(_flows(), reporter="KAZ", year=2023, flow="exports")
    # Shares 0.6, 0.3, 0.1 (no world total given: shares of the partners listed).
    assert want["hhi"] == pytest.approx(0.36 + 0.09 + 0.01, abs=1e-12)
    assert want["total"] == pytest.approx(1e10)
    tables = []
    pd = pytest.importorskip("pandas")
    tables.append(pd.DataFrame(_flows()))
    pl = pytest.importorskip("polars")
    tables.append(pl.DataFrame(_flows()))
    pa = pytest.importorskip("pyarrow")
    tables.append(pa.table(_flows()))
    for t in tables:
        assert astana.balance.measures(t, reporter="KAZ", year=2023, flow="exports") == want
    every = astana.balance.all(pd.DataFrame(_flows()), flow="exports")
    assert [x["reporter"] for x in every["results"]] == ["KAZ"]


def test_a_bad_row_is_located():
    flows = _flows()
    flows["reporter"][1] = "KZ"
    with pytest.raises(astana.InputError) as e:
        astana.balance.measures(flows, reporter="KAZ", year=2023, flow="exports")
    # Row 1 of the table is line 3 of its CSV (line 1 is the header).
    assert e.value.errors[0]["file"] == "<table>"
    assert e.value.errors[0]["line"] == 3
    assert e.value.errors[0]["field"] == "reporter"
    with pytest.raises(astana.ComputationError):
        astana.balance.measures(_flows(), reporter="KAZ", year=1999, flow="exports")


def test_balance_on_the_scenario_is_the_clis(cli):
    out = subprocess.run(
        [str(cli), "balance", "--year", "2023", "--flow", "exports", "--json"], capture_output=True, check=True
    )
    assert astana.balance.measures(year=2023, flow="exports") == json.loads(out.stdout)


def test_forum_schedule_is_reproducible_with_a_work_budget():
    a = astana.forum.schedule(SCENARIO / "forum", work=20_000, seed=3)
    b = astana.forum.schedule(SCENARIO / "forum", work=20_000, seed=3)
    assert a == b
    assert 0 < a["scheduled"] <= a["requests"]
    with pytest.raises(astana.InputError, match="forum.toml"):
        astana.forum.schedule(SCENARIO)


def test_brief_is_html():
    html = astana.brief(date="2025-01-01")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Kazakhstan" in html
    with pytest.raises(astana.InputError, match="--date"):
        astana.brief(date="2025-13-01")


def test_ctrl_c_interrupts_a_long_call():
    # 10⁸ customers take seconds. SIGINT arrives during the call (a timer thread sends it);
    # KeyboardInterrupt must come while the work is still running: the next call then needs
    # a second worker thread, because the first is still busy in the background.
    code = textwrap.dedent(
        """
        import os, signal, threading, astana

        def workers():
            names = []
            for t in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{t}/comm") as f:
                    names.append(f.read().strip())
            return names.count("astana-worker")

        astana.corridor.queue(1, 0.5, 1.0, customers=1000)  # one worker, now idle
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            astana.corridor.queue(3, 2.4, 1.0, customers=100_000_000)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted")
        q = astana.corridor.queue(3, 2.4, 1.0, customers=1000)
        print("workers", workers(), q["customers"])
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["interrupted", "workers", "2", "1000"]


def test_a_bad_parameter_is_named():
    with pytest.raises(astana.InputError, match=r"^error: customers=-5: invalid value"):
        astana.corridor.queue(3, 2.4, 1.0, customers=-5)
    with pytest.raises(astana.InputError, match=r"^error: samples=2\.5: invalid type"):
        astana.power.indices({"quota": 1, "players": [{"id": "A", "weight": 1}]}, monte_carlo=True, samples=2.5)
