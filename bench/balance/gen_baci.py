"""A BACI-shaped synthetic trade matrix (exporter x importer x HS6 product x year), seeded.

Usage: gen_baci.py OUT_DIR ROWS [--years 10] [--seed 20261201] [--countries data/iso3166.csv]
(ROWS may be written 1e6; the countries default to this checkout's data/iso3166.csv)

Writes, in the flows layout of issue 15 (year, period=FY, reporter, partner, flow=exports,
product = 6-digit string, value_usd, source):
  OUT_DIR/flows.csv        the matrix as CSV
  OUT_DIR/flows.parquet    the same rows as one Parquet file (zstd, row groups <= 1M rows)
  OUT_DIR/hive/year=YYYY/part-0.parquet   the same rows split by year (no year column)
  OUT_DIR/partners.csv     the matrix summed over products: one row per exporter-importer-year
                           (a DOTS-shaped table, for engines without a product column)

The model (the README's "Balance at scale" section says the same):
- 200 countries (200 of the 249 ISO 3166 codes, drawn with the seed) with economic sizes s ~ Pareto(alpha=1) and
  random positions in a unit square (distance d, floored at 0.02);
- 5,000 HS6-shaped codes (96 chapters); world popularity of a product q ~ LogNormal(0, 1.5),
  an exporter's capability in it c = q * LogNormal(0, 2) (comparative advantage);
- lines per exporter-year proportional to s^0.6 (big exporters export more lines), at least 1,
  at most 40 % of the 1M importer x product cells; their sum is ROWS / years;
- which lines: drawn without repetition with weight (s_importer^0.9 / d) * c (gravity-like
  partner weights times capability), so most exporter-product pairs are absent and small
  exporters ship few products;
- value in USD = exp(9 + 0.5 ln s_e + 0.5 ln s_i - 0.8 ln d + 0.3 ln c + N(0, 1.8^2))
  * Pareto(alpha=1.5, x_m=1), rounded to whole dollars (at least 1): a log-normal body with a
  Pareto tail, larger between big and near economies.
Every year draws from its own seeded stream, so a row count gives the same data on every run.
"""
import argparse
import os

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

P = 5000
CAP = 0.4


def product_codes():
    chapters = [c for c in range(1, 98) if c != 77]  # HS has no chapter 77
    codes = []
    for i in range(P):
        ch, k = chapters[i % len(chapters)], i // len(chapters)
        codes.append(f"{ch:02d}{k // 9 + 1:02d}{(k % 9 + 1) * 10:02d}")
    assert len(set(codes)) == P
    return codes


def lines_per_exporter(size, per_year, cap):
    """Lines per exporter proportional to size^0.6, water-filled under the cap."""
    w = size**0.6
    n = np.zeros(len(w))
    free = np.ones(len(w), bool)
    left = per_year
    for _ in range(len(w)):
        share = left * w * free / (w * free).sum()
        over = free & (share > cap)
        if not over.any():
            n[free] = share[free]
            break
        n[over] = cap
        free &= ~over
        left = per_year - n[~free].sum()
    n = np.maximum(np.floor(n).astype(np.int64), 1)
    # Hand the rounding remainder to the largest exporters under the cap.
    short = per_year - n.sum()
    for e in np.argsort(-w):
        if short <= 0:
            break
        add = min(short, cap - n[e])
        if add > 0:
            n[e] += add
            short -= add
    return n


def draw_cells(rng, logw_i, logc, n):
    """n distinct (importer, product) cells, weighted by w_i * c_p, without repetition."""
    C = len(logw_i)
    wi = np.exp(logw_i - logw_i.max())
    wp = np.exp(logc - logc.max())
    cdf_i, cdf_p = np.cumsum(wi), np.cumsum(wp)
    cdf_i /= cdf_i[-1]
    cdf_p /= cdf_p[-1]
    got = np.empty(0, np.int64)
    for _ in range(4):  # cheap: draw with repetition and drop repeats
        need = n - len(got)
        if need <= 0:
            break
        k = int(need * 1.3) + 16
        i = np.minimum(np.searchsorted(cdf_i, 1.0 - rng.random(k)), C - 1)
        p = np.minimum(np.searchsorted(cdf_p, 1.0 - rng.random(k)), P - 1)
        got = np.unique(np.concatenate([got, i * P + p]))
    if len(got) < n:  # concentrated weights: finish with Gumbel top-k over the free cells
        key = (logw_i[:, None] + logc[None, :]).ravel() - np.log(-np.log(rng.random(C * P)))
        key[got] = -np.inf
        key[np.isneginf(logw_i).repeat(P)] = -np.inf
        more = np.argpartition(-key, n - len(got))[: n - len(got)]
        got = np.concatenate([got, more])
    else:
        got = rng.permutation(got)[:n]
    return np.sort(got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("rows", type=float)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261201)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--countries", default=os.path.join(here, "..", "..", "data", "iso3166.csv"))
    a = ap.parse_args()
    rows, Y = int(a.rows), a.years
    every = [l.split(",")[0] for l in open(a.countries).read().splitlines()[1:]]
    rng = np.random.default_rng(a.seed)
    codes = [every[k] for k in np.sort(rng.choice(len(every), 200, replace=False))]
    C = len(codes)
    size = rng.pareto(1.0, C) + 1.0
    size /= size.mean()
    pos = rng.random((C, 2))
    dist = np.maximum(np.hypot(*(pos[:, None, :] - pos[None, :, :]).transpose(2, 0, 1)), 0.02)
    logq = rng.normal(0, 1.5, P)
    logc = logq[None, :] + rng.normal(0, 2.0, (C, P))  # exporter x product capability
    loggrav = 0.9 * np.log(size)[None, :] - np.log(dist)
    np.fill_diagonal(loggrav, -np.inf)  # no exports to oneself
    n_e = lines_per_exporter(size, rows // Y + (1 if rows % Y else 0), int(CAP * C * P))

    reporters, products = pa.array(codes), pa.array(product_codes())
    os.makedirs(a.out, exist_ok=True)
    schema = pa.schema([("year", pa.int32()), ("period", pa.string()), ("reporter", pa.string()),
                        ("partner", pa.string()), ("flow", pa.string()), ("product", pa.string()),
                        ("value_usd", pa.float64()), ("source", pa.string())])
    # CSV values as whole dollars in plain digits (Arrow would write 2.38e+10 for a double).
    csv_schema = schema.set(schema.get_field_index("value_usd"), pa.field("value_usd", pa.int64()))
    csv_w = pacsv.CSVWriter(os.path.join(a.out, "flows.csv"), csv_schema,
                            write_options=pacsv.WriteOptions(quoting_style="none"))
    pq_opts = dict(compression="zstd", write_statistics=True)
    pq_w = pq.ParquetWriter(os.path.join(a.out, "flows.parquet"), schema, **pq_opts)
    part_schema = pa.schema([("year", pa.int32()), ("reporter", pa.string()), ("partner", pa.string()),
                             ("flow", pa.string()), ("value_usd", pa.int64()), ("source", pa.string())])
    part_w = pacsv.CSVWriter(os.path.join(a.out, "partners.csv"), part_schema,
                             write_options=pacsv.WriteOptions(quoting_style="none"))
    written = 0
    for y in range(Y):
        year = 2013 + y
        want = min(rows - written, int(n_e.sum()))
        yr = np.random.default_rng([a.seed, year])
        scale = np.exp(yr.normal(0, 0.1, C))  # sizes drift a little from year to year
        ex, cells = [], []
        left = want
        for e in range(C):
            n = int(min(n_e[e], left))
            if n <= 0:
                break
            left -= n
            cells.append(draw_cells(yr, loggrav[e], logc[e], n))
            ex.append(np.full(n, e, np.int32))
        e_idx = np.concatenate(ex)
        cell = np.concatenate(cells)
        i_idx, p_idx = (cell // P).astype(np.int32), (cell % P).astype(np.int32)
        s = size * scale
        logv = (9 + 0.5 * np.log(s[e_idx]) + 0.5 * np.log(s[i_idx]) - 0.8 * np.log(dist[e_idx, i_idx])
                + 0.3 * logc[e_idx, p_idx] + yr.normal(0, 1.8, len(cell)))
        value = np.maximum(np.round(np.exp(logv) * (1.0 + yr.pareto(1.5, len(cell)))), 1.0)
        n = len(cell)
        const = lambda v: pa.array([v]).take(pa.array(np.zeros(n, np.int32)))  # noqa: E731
        cols = {"year": pa.array(np.full(n, year, np.int32)), "period": const("FY"),
                "reporter": reporters.take(pa.array(e_idx)), "partner": reporters.take(pa.array(i_idx)),
                "flow": const("exports"), "product": products.take(pa.array(p_idx)),
                "value_usd": pa.array(value), "source": const("synthetic-baci")}
        t = pa.table(cols, schema=schema)
        csv_w.write_table(t.cast(csv_schema))
        pq_w.write_table(t, row_group_size=1_000_000)
        hive = os.path.join(a.out, "hive", f"year={year}")
        os.makedirs(hive, exist_ok=True)
        pq.write_table(t.drop_columns(["year"]), os.path.join(hive, "part-0.parquet"),
                       row_group_size=1_000_000, **pq_opts)
        # Partner totals: sum over products per exporter-importer.
        key = e_idx.astype(np.int64) * C + i_idx
        tot = np.bincount(key, weights=value, minlength=C * C)
        nz = np.flatnonzero(tot)
        m = len(nz)
        part_w.write_table(pa.table({
            "year": pa.array(np.full(m, year, np.int32)),
            "reporter": reporters.take(pa.array((nz // C).astype(np.int32))),
            "partner": reporters.take(pa.array((nz % C).astype(np.int32))),
            "flow": pa.array(["exports"]).take(pa.array(np.zeros(m, np.int32))),
            "value_usd": pa.array(tot[nz].astype(np.int64)),
            "source": pa.array(["synthetic-baci"]).take(pa.array(np.zeros(m, np.int32))),
        }, schema=part_schema))
        written += n
        if written >= rows:
            break
    csv_w.close()
    pq_w.close()
    part_w.close()
    print(written)


if __name__ == "__main__":
    main()
