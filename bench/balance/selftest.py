"""Checks the balance-at-scale harness on a small matrix in a few seconds:
bench/.venv/bin/python bench/balance/selftest.py   (after run.sh has installed the peers)

- the generator: exact row count, one row per year-exporter-importer-product, no exports to
  oneself, 6-digit product codes, whole-dollar values, the same rows in CSV, Parquet and the
  folder by year, partners.csv = the sum over products, the same data on a second run, and the
  shape it promises (sparse exporter x product pairs; bigger exporters ship more lines);
- the peers: polars and DuckDB agree on every input and both workloads, and a hand computation
  of one reporter-year's HHI and Theil matches;
- the answer check: it accepts 1e-13, rejects 1e-6 and a missing reporter-year.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import scale  # noqa: E402


def gen(out, rows, years):
    cmd = [sys.executable, os.path.join(HERE, "gen_baci.py"), out, str(rows), "--years", str(years),
           "--countries", os.path.join(ROOT, "data", "iso3166.csv")]
    return int(subprocess.check_output(cmd).decode())


def main():
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "a")
        rows, years = 30_000, 3
        assert gen(d, rows, years) == rows
        csv = pacsv.read_csv(os.path.join(d, "flows.csv"),
                             convert_options=pacsv.ConvertOptions(column_types={"year": "int32", "product": "string", "value_usd": "float64"}))
        par = pq.read_table(os.path.join(d, "flows.parquet"))
        assert par.num_rows == csv.num_rows == rows, (par.num_rows, csv.num_rows)
        assert [f.name for f in par.schema] == ["year", "period", "reporter", "partner", "flow",
                                                 "product", "value_usd", "source"]
        assert str(par.schema.field("year").type) == "int32"
        assert max(rg.num_rows for rg in [pq.ParquetFile(os.path.join(d, "flows.parquet")).metadata.row_group(i)
                                           for i in range(pq.ParquetFile(os.path.join(d, "flows.parquet")).metadata.num_row_groups)]) <= 1_000_000
        df = par.to_pandas()
        assert df.equals(csv.to_pandas()), "CSV and Parquet differ"
        key = df[["year", "reporter", "partner", "product"]]
        assert not key.duplicated().any(), "a year-exporter-importer-product twice"
        assert (df.reporter != df.partner).all(), "exports to oneself"
        assert df["product"].str.fullmatch(r"\d{6}").all()
        assert set(df.period) == {"FY"} and set(df.flow) == {"exports"}
        assert (df.value_usd >= 1).all() and (df.value_usd == df.value_usd.round()).all()
        assert sorted(set(df.year)) == list(range(2013, 2013 + years))
        hive = []
        for y in range(2013, 2013 + years):
            t = pq.read_table(os.path.join(d, "hive", f"year={y}", "part-0.parquet")).to_pandas()
            assert "year" not in t.columns
            t.insert(0, "year", np.int32(y))
            hive.append(t)
        import pandas as pd
        assert pd.concat(hive, ignore_index=True).equals(df), "the folder by year differs"
        part = pd.read_csv(os.path.join(d, "partners.csv"))
        want = df.groupby(["year", "reporter", "partner"], as_index=False).value_usd.sum()
        m = want.merge(part, on=["year", "reporter", "partner"], suffixes=("", "_p"))
        assert len(m) == len(want) == len(part) and (m.value_usd == m.value_usd_p).all()
        # Shape: sparse, and bigger exporters ship more lines.
        pairs = df[["reporter", "product"]].drop_duplicates()
        assert len(pairs) < 0.05 * 200 * 5000, len(pairs)
        per = df.groupby("reporter").agg(lines=("product", "size"), value=("value_usd", "sum"))
        rho = per.rank().corr().loc["lines", "value"]
        assert rho > 0.3, rho
        # The same data again.
        d2 = os.path.join(tmp, "b")
        gen(d2, rows, years)
        assert pq.read_table(os.path.join(d2, "flows.parquet")).equals(par), "not reproducible"

        # The peers agree on every input, and with a hand computation.
        paths = {"csv": os.path.join(d, "flows.csv"), "parquet": os.path.join(d, "flows.parquet"),
                 "hive": os.path.join(d, "hive")}
        for workload in ["partner", "product"]:
            answers = []
            for fmt, path in paths.items():
                for engine in ["polars", "duckdb"]:
                    out = os.path.join(tmp, f"{engine}-{workload}-{fmt}.csv")
                    subprocess.check_call([sys.executable, os.path.join(HERE, "scale_peer.py"), engine,
                                           workload, fmt, path, out], stdout=subprocess.DEVNULL)
                    answers.append((f"{engine} {fmt}", scale.load_peer(out)))
            ref_name, ref = answers[0]
            for name, other in answers[1:]:
                ok, worst, note = scale.compare(workload, ref_name, ref, name,
                                                {k: dict(v, n_active=None) for k, v in other.items()}, 5000)
                assert ok, (workload, name, worst, note)
            rep, year = df.groupby(["reporter", "year"]).size().idxmax()  # the busiest reporter-year
            g = df[(df.reporter == rep) & (df.year == year)]
            if workload == "partner":
                v = g.groupby("partner").value_usd.sum()
                hhi = ((v / v.sum()) ** 2).sum()
                assert math.isclose(float(ref[rep, year]["hhi"]), hhi, rel_tol=1e-12)
            else:
                v = g.groupby("product").value_usd.sum().to_numpy()
                mu = v.sum() / 5000  # the mean over the whole universe, zeros included
                total = (v / mu * np.log(v / mu)).sum() / 5000
                r = ref[rep, year]
                assert math.isclose(float(r["theil"]), total, rel_tol=1e-12)
                assert math.isclose(float(r["between"]), math.log(5000 / len(v)), rel_tol=1e-12)

        # The answer check itself.
        ref = {("KAZ", 2020): {"hhi": "0.25"}, ("KAZ", 2021): {"hhi": "0.5"}}
        assert scale.compare("partner", "p", ref, "a", {k: {"hhi": float(v["hhi"]) + 1e-13} for k, v in ref.items()}, 0)[0]
        assert not scale.compare("partner", "p", ref, "a", {k: {"hhi": float(v["hhi"]) + 1e-6} for k, v in ref.items()}, 0)[0]
        assert not scale.compare("partner", "p", ref, "a", {("KAZ", 2020): {"hhi": 0.25}}, 0)[0]
        doc = {"results": [{"reporter": "KAZ", "year": 2020, "universe": 5205, "products_active": 4,
                            "theil": {"total": 1.0, "between": 0.5, "within": 0.5}}]}
        inner = {k: v for k, v in doc["results"][0].items() if k not in ("reporter", "year")}
        nested = {"results": [{"reporter": "KAZ", "year": 2020, "products": inner}]}
        got = scale.load_astana_doc(doc, "product")
        assert scale.load_astana_doc(nested, "product") == got
        assert got == {("KAZ", 2020): {"theil": 1.0, "between": 0.5, "within": 0.5, "universe": 5205,
                                       "n_active": 4}}, got
    print("selftest: all checks passed")


if __name__ == "__main__":
    main()
