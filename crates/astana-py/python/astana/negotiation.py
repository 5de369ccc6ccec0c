"""Negotiation: a domain's Pareto frontier and settlements (``astana mediate analyze``) and
protocols run on it (``astana mediate run``).

A domain is a GENIUS folder (domain XML and one profile XML per party), a GENIUS domain XML
with ``profiles``, a native TOML domain (path or text), or a dict with the TOML file's keys
(``name``, ``issues`` (or ``issue``): ``[{"name", "values"}]``, ``parties`` (or
``party``): ``[{"id", "name", "reservation", "weights": {...}, "evaluations": {...}}]``).

Example:
    >>> import astana
    >>> domain = {
    ...     "name": "split",
    ...     "issues": [{"name": "share", "values": ["A gets 1/3", "halves", "A gets 2/3"]}],
    ...     "parties": [
    ...         {"id": "A", "reservation": 0, "weights": {"share": 1},
    ...          "evaluations": {"share": [1, 2, 3]}},
    ...         {"id": "B", "reservation": 0, "weights": {"share": 1},
    ...          "evaluations": {"share": [3, 2, 1]}},
    ...     ],
    ... }
    >>> astana.negotiation.analyze(domain)["nash"]["outcome"]
    {'share': 'halves'}
"""

import os
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from . import _native
from ._common import is_text, kwargs
from ._toml import dumps

Domain = Union[str, "os.PathLike[str]", Dict[str, Any]]

__all__ = ["analyze", "run", "frontier_frame"]


def _source(domain: Domain, profiles: Iterable[Any]) -> Dict[str, Any]:
    """The native call's arguments: a path (with profile paths) or in-memory files."""
    profiles = list(profiles)
    if isinstance(domain, dict):
        text = dumps(domain, aliases={"issues": "issue", "parties": "party"})
        return {"files": [("<domain dict>.toml", text)]}
    if isinstance(domain, str) and domain.lstrip().startswith("<") and "\n" in domain:
        # GENIUS XML text; profiles are texts too.
        files: List[Tuple[str, str]] = [("<domain>.xml", domain)]
        files += [(f"<profile {i + 1}>.xml", p) for i, p in enumerate(profiles)]
        return {"files": files}
    if is_text(domain, "="):
        return {"files": [("<domain string>.toml", domain)]}
    return {"path": os.fspath(domain), "profiles": [os.fspath(p) for p in profiles]}


def frontier_frame(result: Dict[str, Any]):
    """The Pareto frontier of an :func:`analyze` result as a pandas DataFrame: one row per
    point, a utility column per party (its name) and a column per issue (the outcome).

    Example:
        >>> df = astana.negotiation.frontier_frame(astana.negotiation.analyze(domain))  # doctest: +SKIP
        >>> df.plot.scatter(x="A", y="B")  # doctest: +SKIP
    """
    import pandas as pd  # optional dependency

    names = [p["name"] for p in result["parties"]]
    rows = []
    for u, outcome in zip(result["pareto"], result["pareto_outcomes"]):
        row = dict(zip(names, u))
        row.update(outcome)
        rows.append(row)
    return pd.DataFrame(rows)


def analyze(
    domain: Domain,
    profiles: Iterable[Any] = (),
    *,
    max_work: Optional[float] = None,
    insist: bool = False,
    frontier: str = "list",
) -> Dict[str, Any]:
    """The Pareto frontier and the Nash, Kalai–Smorodinsky, egalitarian and
    maximum-welfare settlements: the document of ``astana mediate analyze --json``.

    Args:
        domain: see the module docs (folder, XML path with ``profiles``, TOML path or text,
            dict).
        profiles: GENIUS profile XML paths (or texts with a domain XML text), party order.
        max_work: work limit of the frontier (dominance tests, default 5e10); past it the
            settlements are found by scanning every outcome and ``method`` says ``scan``.
        insist: lift every work limit.
        frontier: ``"list"`` (``pareto`` is a list of utility vectors, as in the CLI) or
            ``"pandas"`` (``pareto`` is :func:`frontier_frame`'s DataFrame).

    Returns:
        A dict with the CLI's keys: ``domain``, ``issues``, ``parties``, ``outcomes``,
        ``rational_outcomes``, ``method``, ``pareto``, ``pareto_outcomes``, ``nash``,
        ``kalai_smorodinsky``, ``egalitarian``, ``max_welfare``, ``max_welfare_all``,
        ``definitions``. A settlement is ``{"outcome": {issue: value}, "utilities": [...],
        ...}``.

    Raises:
        InputError: a bad domain or profile (file, line, element) or parameters.
        ComputationError: over the work limits.

    Example:
        >>> r = astana.negotiation.analyze("domains/Laptop")  # doctest: +SKIP
        >>> r["nash"]["utilities"]  # doctest: +SKIP
    """
    if frontier not in ("list", "pandas"):
        raise ValueError(f"frontier={frontier!r}: expected 'list' or 'pandas'")
    doc = _native.negotiation_analyze(
        **_source(domain, profiles), **kwargs(max_work=max_work, insist=bool(insist))
    )
    if frontier == "pandas":
        doc["pareto"] = frontier_frame(doc)
    return doc


def run(
    domain: Domain,
    profiles: Iterable[Any] = (),
    *,
    protocol: str = "alternating",
    agents: Union[None, str, Iterable[str]] = None,
    rounds: Optional[int] = None,
    sessions: Optional[int] = None,
    tolerance: Optional[float] = None,
    seed: Optional[int] = None,
    trace: bool = True,
    max_work: Optional[float] = None,
    insist: bool = False,
) -> Dict[str, Any]:
    """Runs a protocol on the domain: the document of ``astana mediate run --json``.

    Args:
        domain, profiles: as in :func:`analyze`.
        protocol: ``alternating`` (stacked alternating offers between agents) or
            ``single-text`` (a mediator revises one text towards the Nash point).
        agents: one per party (a list or comma-separated): ``boulware``, ``linear``,
            ``conceder``, ``hardliner``, ``tit-for-tat`` or ``time:E`` (default boulware).
        rounds: the deadline (rounds of offers or revision steps, default 100).
        sessions: run the session this many times and report the last (default 1).
        tolerance: single text: utility a party gives up on one revision at first (0.1).
        seed: the mediator's first text (default 1).
        trace: include the transcript (every offer or step); default True.
        max_work, insist: as in :func:`analyze`.

    Returns:
        The CLI's document: the agreement (or none), its utilities, the round, the distance
        to the Nash point, and with ``trace`` the transcript.

    Example:
        >>> r = astana.negotiation.run(domain, agents=["boulware", "conceder"])  # doctest: +SKIP
        >>> r["agreement"]  # doctest: +SKIP
    """
    if agents is not None and not isinstance(agents, str):
        agents = ",".join(agents)
    return _native.negotiation_run(
        **_source(domain, profiles),
        **kwargs(
            protocol=protocol,
            agents=agents,
            rounds=rounds,
            sessions=sessions,
            tolerance=tolerance,
            seed=seed,
            trace=bool(trace),
            max_work=max_work,
            insist=bool(insist),
        ),
    )
