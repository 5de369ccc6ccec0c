"""The peers of the balance-at-scale benchmark: polars (lazy scan) and DuckDB (SQL), both on
all cores, computing per reporter-year of the exports
  partner: partner HHI = sum over partners of share^2, shares of the sum over products;
  product: Theil index of the product values (summed over partners) with the Cadot, Carrere &
           Strauss-Kahn (2011) split, over a universe of U potential products:
           within = sum(s ln s) + ln n_active, between = ln(U / n_active), total = their sum.
Usage: scale_peer.py polars|duckdb partner|product csv|parquet|hive PATH OUT.csv [--universe U]
Writes OUT.csv (reporter, year, measures) and prints the in-process seconds (read + compute).
"""
import argparse
import os
import time

t0 = time.perf_counter()
ap = argparse.ArgumentParser()
ap.add_argument("engine", choices=["polars", "duckdb"])
ap.add_argument("workload", choices=["partner", "product"])
ap.add_argument("format", choices=["csv", "parquet", "hive"])
ap.add_argument("path")
ap.add_argument("out")
ap.add_argument("--universe", type=int, default=5000)
a = ap.parse_args()
threads = os.cpu_count()
U = a.universe
# product must stay a string (HS codes have leading zeros); a table summed over products has none.
has_product = a.format != "csv" or "product" in open(a.path).readline()

if a.engine == "polars":
    os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
    import polars as pl

    if a.format == "csv":
        types = {"product": pl.Utf8, "value_usd": pl.Float64} if has_product else {"value_usd": pl.Float64}
        lf = pl.scan_csv(a.path, schema_overrides=types)
    elif a.format == "parquet":
        lf = pl.scan_parquet(a.path)
    else:
        lf = pl.scan_parquet(os.path.join(a.path, "**", "*.parquet"), hive_partitioning=True)
    lf = lf.filter((pl.col("flow") == "exports") & (pl.col("partner") != "WLD"))
    if a.workload == "partner":
        q = (lf.group_by("reporter", "year", "partner").agg(v=pl.col("value_usd").sum())
             .group_by("reporter", "year")
             .agg(hhi=((pl.col("v") / pl.col("v").sum()) ** 2).sum(), partners=pl.len()))
    else:
        s = pl.col("v") / pl.col("v").sum()
        q = (lf.group_by("reporter", "year", "product").agg(v=pl.col("value_usd").sum())
             .filter(pl.col("v") > 0)
             .group_by("reporter", "year")
             .agg(n_active=pl.len(), total_usd=pl.col("v").sum(), sls=(s * s.log()).sum())
             .with_columns(within=pl.col("sls") + pl.col("n_active").log(),
                           between=(U / pl.col("n_active")).log())
             .with_columns(theil=pl.col("within") + pl.col("between"))
             .drop("sls"))
    df = q.collect()
    df.sort("reporter", "year").write_csv(a.out)
else:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    if a.format == "csv":
        types = "'product': 'VARCHAR', 'value_usd': 'DOUBLE'" if has_product else "'value_usd': 'DOUBLE'"
        src = f"read_csv('{a.path}', header = true, types = {{{types}}})"
    elif a.format == "parquet":
        src = f"read_parquet('{a.path}')"
    else:
        src = f"read_parquet('{a.path}/*/*.parquet', hive_partitioning = true)"
    where = "flow = 'exports' AND partner <> 'WLD'"
    if a.workload == "partner":
        sql = f"""
        WITH c AS (SELECT reporter, year, partner, sum(value_usd) AS v FROM {src}
                   WHERE {where} GROUP BY ALL)
        SELECT reporter, year, sum(pow(v / tot, 2)) AS hhi, count(*) AS partners
        FROM (SELECT *, sum(v) OVER (PARTITION BY reporter, year) AS tot FROM c)
        GROUP BY ALL ORDER BY reporter, year"""
    else:
        sql = f"""
        WITH c AS (SELECT reporter, year, product, sum(value_usd) AS v FROM {src}
                   WHERE {where} GROUP BY ALL HAVING sum(value_usd) > 0),
        s AS (SELECT reporter, year, count(*) AS n_active, sum(v) AS total_usd,
                     sum(v / tot * ln(v / tot)) AS sls
              FROM (SELECT *, sum(v) OVER (PARTITION BY reporter, year) AS tot FROM c) GROUP BY ALL)
        SELECT reporter, year, n_active, total_usd, sls + ln(n_active) AS within,
               ln({U} / n_active) AS between, sls + ln(n_active) + ln({U} / n_active) AS theil
        FROM s ORDER BY reporter, year"""
    # DuckDB writes the CSV itself: no pandas import in the timed process.
    con.execute(f"COPY ({sql}) TO '{a.out}' (HEADER, DELIMITER ',')")
print(f"{time.perf_counter() - t0:.3f}")
