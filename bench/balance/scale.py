"""Runs the balance-at-scale workloads on one generated data set (gen_baci.py's OUT_DIR) with
polars, DuckDB and astana, checks that their answers agree, and prints times, CPU, peak RSS and
the ratios peer / astana as a Markdown table.

Usage: scale.py DATA_DIR ASTANA_BIN WORK_DIR [--repeat N] [--universe U]

Workloads, per reporter-year of the exports:
  partner  partner HHI (astana: balance --flows F --all --flow exports --json)
  product  product Theil (astana: balance --flows F --by product --all --flow exports --json)
Inputs: flows.csv, flows.parquet, hive/ (Parquet by year), and for the partner workload also
partners.csv (the same matrix summed over products, for an astana without a product column).
Every process is timed end to end by /usr/bin/time (start-up, reading, computing, writing).
An astana that cannot do a case says so ("skipped: ...") and the case runs for the peers only.
The exit code is 1 when any answers disagree by more than 1e-9.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "scale_peer.py")
TOL = 1e-9


def timed(cmd, out_path, work):
    """Runs cmd with stdout to out_path; returns (wall s, cpu s, peak RSS MB, exit code, stderr)."""
    tf = os.path.join(work, "time.txt")
    with open(out_path, "wb") as out, open(os.path.join(work, "stderr.txt"), "wb") as err:
        rc = subprocess.call(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf] + cmd, stdout=out, stderr=err)
    wall, user, sys_, kb = open(tf).read().split()[-4:]
    return float(wall), float(user) + float(sys_), int(kb) / 1024, rc, open(os.path.join(work, "stderr.txt")).read()


def probe(astana, work):
    """What this astana can do, each tried once on a tiny file."""
    t = pa.table({"year": pa.array([2020, 2020], pa.int32()), "period": ["FY", "FY"],
                  "reporter": ["KAZ", "KAZ"], "partner": ["CHN", "RUS"], "flow": ["exports"] * 2,
                  "product": ["270900", "100199"], "value_usd": [3.0, 1.0], "source": ["probe"] * 2})
    d = os.path.join(work, "probe")
    os.makedirs(os.path.join(d, "hive", "year=2020"), exist_ok=True)
    pacsv.write_csv(t, os.path.join(d, "p.csv"), pacsv.WriteOptions(quoting_style="none"))
    pq.write_table(t, os.path.join(d, "p.parquet"))
    pq.write_table(t.drop_columns(["year"]), os.path.join(d, "hive", "year=2020", "part-0.parquet"))

    def ok(*args):
        r = subprocess.run([astana, "balance", "--all", "--flow", "exports", "--json", *args],
                           capture_output=True)
        return r.returncode == 0

    helptext = subprocess.run([astana, "balance", "--help"], capture_output=True, text=True).stdout
    return {
        "product_column": ok("--flows", os.path.join(d, "p.csv")),
        "parquet": ok("--flows", os.path.join(d, "p.parquet")),
        "folder": ok("--flows", os.path.join(d, "hive")),
        "by_product": "--by" in helptext,
    }


def records(doc):
    """The per reporter-year objects of an astana --json document, wherever they sit."""
    if isinstance(doc, dict):
        if "reporter" in doc and "year" in doc:
            yield doc
        else:
            for v in doc.values():
                yield from records(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from records(v)


def load_peer(path):
    import csv
    with open(path) as f:
        return {(r["reporter"], int(r["year"])): r for r in csv.DictReader(f)}


def load_astana(path, workload):
    return load_astana_doc(json.load(open(path)), workload)


def load_astana_doc(doc, workload):
    out = {}
    for r in records(doc):
        if workload == "partner":
            out[(r["reporter"], int(r["year"]))] = {"hhi": r["hhi"]}
        else:
            m = holder(r, "theil")  # the product measures, flat or nested in the record
            if m is None:
                continue
            th = m["theil"]
            out[(r["reporter"], int(r["year"]))] = {
                "theil": th["total"], "between": th["between"], "within": th["within"],
                "universe": m.get("universe", r.get("universe")),
                "n_active": m.get("products_active", r.get("products_active"))}
    return out


def holder(d, key):
    """The first dict at or below d that has key."""
    if isinstance(d, dict):
        if key in d:
            return d
        d = list(d.values())
    if isinstance(d, list):
        for v in d:
            h = holder(v, key)
            if h is not None:
                return h
    return None


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def compare(workload, ref_name, ref, name, other, universe):
    """Same reporter-years and the same measures to 1e-9; returns (ok, worst difference, note)."""
    if set(ref) != set(other):
        return False, math.inf, f"{name}: {len(other)} reporter-years, {ref_name}: {len(ref)}"
    worst = 0.0
    for k, r in ref.items():
        o = other[k]
        if workload == "partner":
            pairs = [(float(r["hhi"]), float(o["hhi"]))]
        else:
            n = int(r["n_active"])
            u = o.get("universe")  # astana names the universe it used
            u = u if isinstance(u, int) else universe
            between = math.log(u / n)
            within = float(r["within"])
            pairs = [(within, float(o["within"])), (between, float(o["between"])),
                     (within + between, float(o["theil"]))]
            if o.get("n_active") is not None and int(o["n_active"]) != n:
                return False, math.inf, f"{name} {k}: {o['n_active']} active lines, {ref_name}: {n}"
        for x, y in pairs:
            worst = max(worst, abs(x - y) / max(1.0, abs(x)))
    return worst <= TOL, worst, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("astana")
    ap.add_argument("work")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--universe", type=int, default=5000)
    a = ap.parse_args()
    py = sys.executable
    can = probe(a.astana, a.work)
    print("astana can: " + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in can.items()))
    inputs = {"csv": os.path.join(a.data, "flows.csv"), "parquet": os.path.join(a.data, "flows.parquet"),
              "hive": os.path.join(a.data, "hive"), "partners-csv": os.path.join(a.data, "partners.csv")}
    label = {"csv": "CSV", "parquet": "Parquet", "hive": "Parquet by year (hive)",
             "partners-csv": "CSV summed over products"}
    failed = False
    rows = []
    for workload in ["partner", "product"]:
        for fmt in ["csv", "parquet", "hive", "partners-csv"]:
            if workload == "product" and fmt == "partners-csv":
                continue
            path = inputs[fmt]
            peer_fmt = "csv" if fmt == "partners-csv" else fmt
            skip = None
            if workload == "product" and not can["by_product"]:
                skip = "skipped: astana lacks --by product"
            elif fmt == "csv" and not can["product_column"]:
                skip = "skipped: this astana cannot read a product column"
            elif fmt == "parquet" and not can["parquet"]:
                skip = "skipped: this astana cannot read Parquet"
            elif fmt == "hive" and not can["folder"]:
                skip = "skipped: this astana cannot read a Parquet folder"
            if os.path.isfile(path):
                subprocess.call(["cat", path], stdout=subprocess.DEVNULL)  # warm the page cache
            cmds = {
                "polars": [py, PEER, "polars", workload, peer_fmt, path, "{out}", "--universe", str(a.universe)],
                "duckdb": [py, PEER, "duckdb", workload, peer_fmt, path, "{out}", "--universe", str(a.universe)],
            }
            if skip is None:
                by = ["--by", "product"] if workload == "product" else []
                cmds["astana"] = [a.astana, "balance", "--flows", path, *by, "--all", "--flow", "exports", "--json"]
            res = {}
            for tool, cmd in cmds.items():
                best = None
                for _ in range(a.repeat):
                    out = os.path.join(a.work, f"{tool}-{workload}-{fmt}.out")
                    ans = os.path.join(a.work, f"{tool}-{workload}-{fmt}.csv")
                    wall, cpu, rss, rc, err = timed([c.replace("{out}", ans) for c in cmd], out, a.work)
                    if rc != 0:
                        print(f"{tool} {workload} {fmt}: exit {rc}\n{err[-2000:]}")
                        failed = True
                        break
                    if best is None or wall < best[0]:
                        inproc = open(out).read().strip() if tool != "astana" else ""
                        best = (wall, cpu, rss, inproc)
                if best is not None:
                    res[tool] = best
            # The answers, before any time counts.
            answers = {}
            if "polars" in res:
                answers["polars"] = load_peer(os.path.join(a.work, f"polars-{workload}-{fmt}.csv"))
            if "duckdb" in res:
                answers["duckdb"] = load_peer(os.path.join(a.work, f"duckdb-{workload}-{fmt}.csv"))
            if "astana" in res:
                answers["astana"] = load_astana(os.path.join(a.work, f"astana-{workload}-{fmt}.out"), workload)
            check = []
            if "polars" in answers:
                for other in [t for t in ("duckdb", "astana") if t in answers]:
                    ok, worst, note = compare(workload, "polars", answers["polars"], other, answers[other], a.universe)
                    check.append(f"{other} vs polars {worst:.1e}" + (f" ({note})" if note else ""))
                    if not ok:
                        failed = True
                        res.pop(other, None)
                        check[-1] += " DISAGREE: time not counted"
                        if other == "astana":
                            skip = "answers disagree: not counted"
            n = len(answers.get("polars", {}))
            rows.append((workload, label[fmt], n, res, skip, "; ".join(check)))
            print(f"{workload} {label[fmt]}: {n} reporter-years; answers: {'; '.join(check) or '-'}"
                  + (f"; astana {skip}" if skip and "astana" not in cmds else ""), flush=True)

    print()
    print("| workload | input | tool | wall s | CPU s | peak RSS MB | peer / astana wall | peer / astana CPU "
          "| peer in-process s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for workload, fmt, n, res, skip, _ in rows:
        w = {"partner": "partner HHI", "product": "product Theil"}[workload]
        ast = res.get("astana")
        for tool in ["astana", "polars", "duckdb"]:
            if tool not in res:
                if tool == "astana":
                    print(f"| {w} | {fmt} | astana | {skip or 'failed'} | | | | | |")
                continue
            wall, cpu, rss, inproc = res[tool]
            ratio = cratio = ""
            if tool != "astana" and ast:
                ratio = f"{wall / ast[0]:.2f}x"
                cratio = f"{cpu / ast[1]:.2f}x" if ast[1] > 0 else ""
            print(f"| {w} | {fmt} | {tool} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {ratio} | {cratio} | {inproc} |")

    # Issue 15's goals, on wall time: on Parquet astana at least as fast as each peer; on CSV
    # polars / astana >= 1.3; peak RSS under 4 GiB.
    print()
    for workload, fmt, n, res, skip, _ in rows:
        ast = res.get("astana")
        if fmt not in ("CSV", "Parquet", "Parquet by year (hive)") or ast is None:
            continue
        need = {"polars": 1.3} if fmt == "CSV" else {"polars": 1.0, "duckdb": 1.0}
        for tool, goal in need.items():
            if tool in res:
                r = res[tool][0] / ast[0]
                print(f"goal {workload} {fmt}: {tool} / astana = {r:.2f} (goal >= {goal}): "
                      + ("met" if r >= goal else "NOT met"))
        print(f"goal {workload} {fmt}: astana peak RSS {ast[2]:.0f} MB (goal < 4096): "
              + ("met" if ast[2] < 4096 else "NOT met"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
