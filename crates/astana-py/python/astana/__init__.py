"""astana from Python: the same engines and the same answers as the ``astana`` CLI.

Every function returns the CLI's ``--json`` document for the same question as dicts and
lists (exact fractions as :class:`fractions.Fraction`), and raises :class:`InputError`
(CLI exit 2) or :class:`ComputationError` (exit 1) with the CLI's located message.

Calls run with the GIL released, so other Python threads go on, on a worker thread (games
of at most 16 players, which take milliseconds at most, on the calling thread); Ctrl-C
raises ``KeyboardInterrupt`` within about 20 ms. The engines cannot stop mid-run: the
interrupted work goes on in the background on its own thread until the engine returns,
and its answer is then dropped (a call made meanwhile runs on another thread).

Example:
    >>> import astana
    >>> r = astana.power.indices({"quota": 3, "players": [
    ...     {"id": "A", "weight": 2}, {"id": "B", "weight": 1}, {"id": "C", "weight": 1}]})
    >>> r["indices"]["banzhaf"]["A"]["exact"]
    Fraction(3, 5)
"""

import os
from typing import Any, Dict, Optional

from . import _native, balance, corridor, forum, negotiation, power
from ._errors import AstanaError, ComputationError, InputError, NotFoundError

__version__: str = _native.__version__

__all__ = [
    "AstanaError",
    "ComputationError",
    "InputError",
    "NotFoundError",
    "balance",
    "brief",
    "brief_document",
    "corridor",
    "forum",
    "negotiation",
    "power",
]


def brief_document(
    scenario: "Optional[str | os.PathLike[str]]" = None,
    *,
    year: Optional[int] = None,
    date: Optional[str] = None,
) -> Dict[str, Any]:
    """The brief with its summary: ``{"html", "bytes", "footnotes", "summary"}``."""
    kw: Dict[str, Any] = {}
    if year is not None:
        kw["year"] = year
    if date is not None:
        kw["date"] = date
    return _native.brief(None if scenario is None else os.fspath(scenario), **kw)


def brief(
    scenario: "Optional[str | os.PathLike[str]]" = None,
    *,
    year: Optional[int] = None,
    date: Optional[str] = None,
) -> str:
    """The HTML brief of a scenario folder (default: the embedded Kazakhstan scenario), as
    ``astana brief`` writes it. ``date`` (``YYYY-MM-DD``) fixes the printed date.

    Example:
        >>> html = astana.brief(date="2025-01-01")
        >>> html.startswith("<!DOCTYPE html>")
        True
    """
    return brief_document(scenario, year=year, date=date)["html"]
