"""Partner balance: concentration and shares of a country's trade (``astana balance``).

The data is a trade table with the columns of a bare flows CSV (``astana balance --flows``):
``year, reporter, partner, flow, value_usd, source`` and optionally ``period, estimate,
note``. A pandas or polars DataFrame, a pyarrow Table or a dict of columns is accepted; it
is converted to columns of Python values and read by the same CSV reader as the CLI, so
errors name a line of that CSV: line 1 is the header, line *k* is row *k − 2* (0-based) of
the table. The columnar (Arrow) engine does not exist yet: the table is copied, not shared
zero-copy. Without a table the scenario's flows are used (the embedded Kazakhstan scenario,
or ``scenario=DIR``).

Example:
    >>> import astana
    >>> flows = {"year": [2023, 2023], "reporter": ["KAZ", "KAZ"],
    ...          "partner": ["CHN", "RUS"], "flow": ["exports", "exports"],
    ...          "value_usd": [3e9, 1e9], "source": ["example", "example"]}
    >>> r = astana.balance.measures(flows, reporter="KAZ", year=2023, flow="exports")
    >>> round(r["hhi"], 4)
    0.625
"""

import csv
import io
import math
import os
from typing import Any, Dict, List, Optional

from . import _native
from ._common import kwargs
from ._errors import ComputationError, InputError

__all__ = ["measures", "all", "products", "rca", "to_columns"]


def to_columns(table: Any) -> Dict[str, List[Any]]:
    """A pandas/polars DataFrame, a pyarrow Table or a dict of columns as a dict of lists."""
    if isinstance(table, dict):
        return {str(k): list(v) for k, v in table.items()}
    mod = type(table).__module__.split(".")[0]
    if mod == "pandas":
        return {str(k): table[k].tolist() for k in table.columns}
    if mod == "polars":
        return {str(k): v for k, v in table.to_dict(as_series=False).items()}
    if mod == "pyarrow":
        return {str(k): v for k, v in table.to_pydict().items()}
    raise TypeError(
        f"a trade table must be a pandas or polars DataFrame, a pyarrow Table or a dict of "
        f"columns, not {type(table).__name__}"
    )


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        # Whole numbers as integers: a USD value of 4.2e9 reads as 4200000000.
        return str(int(v)) if v.is_integer() and abs(v) < 1e18 else repr(v)
    if hasattr(v, "item"):  # numpy scalars
        return _cell(v.item())
    return str(v)


def _csv(table: Any) -> str:
    cols = to_columns(table)
    names = list(cols)
    rows = len(cols[names[0]]) if names else 0
    for n in names:
        if len(cols[n]) != rows:
            raise ValueError(f"column {n!r} has {len(cols[n])} values, not {rows}")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(names)
    for i in range(rows):
        w.writerow([_cell(cols[n][i]) for n in names])
    return out.getvalue()


def _call(table: Any, scenario: Any, **kw: Any) -> Dict[str, Any]:
    if table is not None:
        return _native.balance(flows=("<table>", _csv(table)), **kwargs(**kw))
    return _native.balance(
        scenario=None if scenario is None else os.fspath(scenario), **kwargs(**kw)
    )


def measures(
    df: Any = None,
    *,
    reporter: Optional[str] = None,
    year: Optional[int] = None,
    flow: Optional[str] = None,
    period: Optional[str] = None,
    mirror: bool = False,
    n: Optional[int] = None,
    shock: Optional[str] = None,
    dependence: bool = False,
    trend: bool = False,
    scenario: Any = None,
) -> Dict[str, Any]:
    """Concentration (HHI, normalised HHI, UNCTAD's index, top-k shares) and partner shares
    of one reporter and year: the document of ``astana balance --json``.

    Args:
        df: the trade table (see the module docs); None for the scenario's flows.
        reporter: ISO 3166 alpha-3 (required with a table; default the scenario's focal
            country).
        year: default the scenario's default year (or the latest year in the table).
        flow: ``exports``, ``imports``, ``turnover`` (default) or ``fdi-inflow``.
        period: ``FY`` (default), ``Q1``..``Q4``, ``H1``, ``H2`` or a month range.
        mirror: use the partners' statistics about the reporter.
        n: N of the normalised HHI and UNCTAD's index.
        shock: cut partners, e.g. ``"CHN=-0.5,RUS=-1"``.
        dependence: add the asymmetric dependence table.
        trend: concentration over every year instead of one.
        scenario: a scenario folder when ``df`` is None (default: the embedded one).

    Raises:
        InputError: bad table (line, field) or parameters.
        ComputationError: no data for the question.
    """
    return _call(
        df,
        scenario,
        reporter=reporter,
        year=year,
        flow=flow,
        period=period,
        mirror=bool(mirror),
        n=n,
        shock=shock,
        dependence=bool(dependence),
        trend=bool(trend),
    )


def all(  # noqa: A001 - the CLI's `--all`
    df: Any = None,
    *,
    flow: Optional[str] = None,
    period: Optional[str] = None,
    n: Optional[int] = None,
    scenario: Any = None,
) -> Dict[str, Any]:
    """One summary for every reporter and year in the data: ``astana balance --all --json``
    (``{"flow", "period", "results": [...]}``).

    Example:
        >>> astana.balance.all(flows, flow="exports")["results"][0]["reporter"]  # doctest: +SKIP
        'KAZ'
    """
    return _call(df, scenario, all=True, flow=flow, period=period, n=n)


_FLOWS = ("exports", "imports", "turnover", "fdi-inflow")


def _product_rows(table: Any, year: int, flow: str, period: Optional[str]):
    """The rows of ``year``, ``flow`` and ``period`` that carry a product, as
    ``(row, reporter, partner, product, value)``; bad values raise InputError with the row."""
    flow = flow.replace("_", "-")
    if flow not in _FLOWS:
        raise InputError(f"error: flow={flow!r}: expected one of {', '.join(_FLOWS)}", "bad input")
    cols = to_columns(table)
    for need in ("year", "reporter", "flow", "product", "value_usd"):
        if need not in cols:
            raise InputError(
                f"error: the table has no {need!r} column (a product breakdown needs year, "
                f"reporter, flow, product and value_usd; partner is optional)",
                "bad input",
            )
    n = len(cols["year"])
    partner = cols.get("partner", [None] * n)
    periods = cols.get("period", [None] * n)
    want_period = period or "FY"
    for i in range(n):
        if _cell(cols["flow"][i]).replace("_", "-") != flow:
            continue
        if (_cell(periods[i]) or "FY") != want_period:
            continue
        try:
            y = int(_cell(cols["year"][i]))
        except ValueError:
            raise InputError(f"error: row {i}: year {cols['year'][i]!r} is not a whole number", "bad input") from None
        if y != year:
            continue
        code = _cell(cols["product"][i])
        if code == "":
            continue  # a total over all products, not a product line
        raw = cols["value_usd"][i]
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise InputError(f"error: row {i}: value_usd {raw!r} is not a number", "bad input") from None
        if not math.isfinite(value):
            raise InputError(f"error: row {i}: value_usd is {value}: not a finite number", "bad input")
        yield i, _cell(cols["reporter"][i]), _cell(partner[i]), code, value


def products(
    df: Any,
    *,
    reporter: str,
    year: int,
    flow: str = "exports",
    period: Optional[str] = None,
    universe: Optional[int] = None,
) -> Dict[str, Any]:
    """Product diversification of one reporter, year and flow (``balance --by product``):
    ``total_usd``, ``products_active``, ``universe`` and ``universe_basis`` (N: the HS
    chapters, headings or subheadings for 2-, 4- or 6-digit codes, or ``universe``),
    ``hhi``, ``hhi_normalized``, ``unctad_index``, ``entropy``, ``effective_products``,
    ``theil`` (``total``, ``between``: extensive margin, ``within``: intensive margin) and
    ``top`` (``product``, ``value_usd``, ``share``), plus ``reporter``, ``year``, ``flow``
    and ``period``.

    The table has the flows columns plus ``product`` (HS code, digits). Values are summed
    per product over partners; for a product with a ``WLD`` (world total) row, that row is
    its value instead (adding it to the partners would count the trade twice). Rows
    without a product are totals and are skipped.

    Example:
        >>> t = {"year": [2023] * 3, "reporter": ["KAZ"] * 3, "partner": ["CHN"] * 3,
        ...      "flow": ["exports"] * 3, "product": ["27", "72", "26"],
        ...      "value_usd": [50.0, 30.0, 20.0], "source": ["example"] * 3}
        >>> round(astana.balance.products(t, reporter="KAZ", year=2023)["hhi"], 2)
        0.38
    """
    if universe is not None and (isinstance(universe, bool) or not isinstance(universe, int) or universe < 1):
        raise InputError(f"error: universe={universe!r}: expected a whole number of products ≥ 1", "bad input")
    partners: Dict[str, float] = {}
    world: Dict[str, float] = {}
    for _, r, p, code, value in _product_rows(df, year, flow, period):
        if r != reporter:
            continue
        into = world if p == "WLD" else partners
        into[code] = into.get(code, 0.0) + value
    cells = {**partners, **world}
    if not cells:
        raise ComputationError(
            f"error: no {flow} product rows for {reporter} in {year} ({period or 'FY'})",
            "computation failed",
        )
    doc = _native.balance_products(list(cells.items()), universe)
    return {"reporter": reporter, "year": year, "flow": flow, "period": period or "FY", **doc}


def rca(
    df: Any,
    *,
    reporter: str,
    year: int,
    flow: str = "exports",
    period: Optional[str] = None,
    world: bool = False,
) -> Dict[str, Any]:
    """Balassa's revealed comparative advantage of every product ``reporter`` exports:
    (its share of the reporter's exports) / (its share of the exports of every reporter in
    the table for that year and flow). ``reference_label`` says "against the N reporters in
    this data, not the world"; pass ``world=True`` only when the table holds every exporter.
    Values are summed per reporter and product as in :func:`products`.
    """
    partners: Dict[tuple, float] = {}
    totals: Dict[tuple, float] = {}
    for _, r, p, code, value in _product_rows(df, year, flow, period):
        into = totals if p == "WLD" else partners
        into[(r, code)] = into.get((r, code), 0.0) + value
    cells = {**partners, **totals}
    doc = _native.balance_rca(reporter, [(r, c, v) for (r, c), v in cells.items()], bool(world))
    return {"year": year, "flow": flow, "period": period or "FY", **doc}
