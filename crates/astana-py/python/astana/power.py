"""Voting power: the indices of a voting game (``astana power GAME.toml``).

Example:
    >>> import astana
    >>> r = astana.power.indices({
    ...     "rule": "weight >= 3",
    ...     "players": [{"id": "A", "weight": 2}, {"id": "B", "weight": 1},
    ...                 {"id": "C", "weight": 1}],
    ... }, index="shapley_shubik")
    >>> r["indices"]["shapley_shubik"]["A"]["exact"]
    Fraction(2, 3)
"""

import os
from fractions import Fraction
from typing import Any, Dict, Iterable, Optional, Union

from . import _native
from ._common import is_text, kwargs
from ._toml import dumps

Game = Union[str, "os.PathLike[str]", Dict[str, Any]]

__all__ = ["indices"]


def _game(game: Game):
    """(name, text or None): text for a dict or TOML string, None to read the path."""
    if isinstance(game, dict):
        return "<game dict>", dumps(game, aliases={"players": "player"})
    if is_text(game, "="):
        return "<game string>", game
    return os.fspath(game), None


# Parsed fractions by text: indices repeat across players and calls, and parsing a Fraction
# from text costs microseconds, more than a small game takes. Fractions are immutable.
_FRACTIONS: Dict[str, Fraction] = {}


def _fraction(s: str) -> Fraction:
    f = _FRACTIONS.get(s)
    if f is None:
        n, _, d = s.partition("/")
        f = Fraction(int(n), int(d) if d else 1)
        if len(_FRACTIONS) < 65536:
            _FRACTIONS[s] = f
    return f


def _exact(doc: Dict[str, Any]) -> Dict[str, Any]:
    for per in doc.get("indices", {}).values():
        for v in per.values():
            x = v.get("exact")
            if isinstance(x, str):
                v["exact"] = _fraction(x)
    for k in ("winning_coalitions", "minimal_winning_coalitions"):
        if isinstance(doc.get(k), str):
            doc[k] = int(doc[k])
    return doc


def indices(
    game: Game,
    index: Union[None, str, Iterable[str]] = None,
    exact: bool = True,
    *,
    method: Optional[str] = None,
    monte_carlo: bool = False,
    samples: Optional[int] = None,
    seed: Optional[int] = None,
    no_cost_limit: bool = False,
) -> Dict[str, Any]:
    """Power indices of a voting game: the document of ``astana power GAME --json``.

    Args:
        game: a game file's path, its TOML text, or a dict with the file's keys
            (``rule`` or ``quota``, ``name``, ``source``, and ``players`` (or ``player``):
            a list of dicts with ``id`` and named weights).
        index: one name or a list of them: ``shapley_shubik``, ``banzhaf``,
            ``banzhaf_absolute``, ``johnston``, ``deegan_packel``, ``holler`` (default: all
            that the exact method gives).
        exact: fail (``ComputationError``) rather than estimate past the exact limits. Pass
            ``exact=False`` to allow the float or Monte Carlo answers; asking for
            ``monte_carlo=True`` or ``method="float"`` implies it.
        method: force ``enumeration``, ``winning-coalitions``, ``generating-function``,
            ``meet-in-the-middle``, ``kinds`` or ``float``.
        monte_carlo: estimate by sampling (needs ``exact=False``); ``samples`` and ``seed``.
        no_cost_limit: run even past the estimated time and memory limits.

    Returns:
        A dict with the CLI's keys: ``game``, ``players``, ``method``, ``algorithm``,
        ``winning_coalitions`` (an int), ``indices``: ``{index: {player: {"value": float,
        "exact": Fraction}}}`` (``exact`` is None for estimates, which carry ``stderr`` or
        ``max_abs_error``).

    Raises:
        InputError: a bad game (with file, line and column) or parameters.
        ComputationError: over the limits with ``exact=True``.

    Example:
        >>> import astana
        >>> unsc = {"rule": "permanent >= 5 and count >= 9",
        ...         "players": [{"id": f"P{i}", "permanent": 1} for i in range(5)]
        ...                    + [{"id": f"E{i}"} for i in range(10)]}
        >>> astana.power.indices(unsc, "shapley_shubik")["indices"]["shapley_shubik"]["P0"]["exact"]
        Fraction(421, 2145)
    """
    if index is not None and not isinstance(index, str):
        index = ",".join(index)
    # An explicit request for an estimate overrides the default `exact=True`.
    exact = bool(exact) and not monte_carlo and method != "float"
    name, text = _game(game)
    doc = _native.power(
        name,
        text,
        **kwargs(
            index=index,
            exact=exact,
            method=method,
            monte_carlo=bool(monte_carlo),
            samples=samples,
            seed=seed,
            no_cost_limit=bool(no_cost_limit),
        ),
    )
    return _exact(doc)
