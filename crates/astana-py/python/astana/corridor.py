"""Freight corridor: routes, a queue against Erlang C, and the network simulation
(``astana corridor``). The network is a scenario's (default: the embedded one).

Example:
    >>> import astana
    >>> q = astana.corridor.queue(servers=3, arrival_rate=2.4, service_rate=1.0,
    ...                           customers=200_000)
    >>> round(q["erlang_c_mean_wait_hours"], 4)  # Erlang C, exact
    1.0787
"""

import os
from typing import Any, Dict, Iterable, Optional, Union

from . import _native
from ._common import kwargs

__all__ = ["routes", "queue", "simulate"]


def _list(x: Union[None, str, Iterable[str]]) -> Optional[str]:
    if x is None or isinstance(x, str):
        return x
    return ",".join(x)


def _scenario(s: Any) -> Optional[str]:
    return None if s is None else os.fspath(s)


def routes(
    from_: Optional[str] = None,
    to: Optional[str] = None,
    *,
    k: Optional[int] = None,
    by: Optional[str] = None,
    avoid: Union[None, str, Iterable[str]] = None,
    close: Union[None, str, Iterable[str]] = None,
    corridor: Optional[str] = None,
    value_of_time: Optional[float] = None,
    all_pairs: bool = False,
    scenario: Any = None,
) -> Dict[str, Any]:
    """The k best routes from one node to another (ids or names): ``astana corridor routes
    --json``. ``by`` is ``time`` (default), ``cost`` or ``generalized``; ``avoid`` takes
    ISO3 codes, ``close`` link ids; ``all_pairs=True`` answers every ordered pair.

    Example:
        >>> r = astana.corridor.routes("Khorgos", "Duisburg", k=3)  # doctest: +SKIP
    """
    return _native.corridor_routes(
        scenario=_scenario(scenario),
        **kwargs(
            **{"from": from_},
            to=to,
            k=k,
            by=by,
            avoid=_list(avoid),
            close=_list(close),
            corridor=corridor,
            value_of_time=value_of_time,
            all_pairs=bool(all_pairs),
        ),
    )


def queue(
    servers: int,
    arrival_rate: float,
    service_rate: float,
    *,
    customers: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]:
    """An M/M/c station simulated and checked against Erlang C: ``astana corridor queue
    --json``. Rates are per hour; ``customers`` simulated (default 10⁶)."""
    return _native.corridor_queue(
        **kwargs(
            servers=servers,
            arrival_rate=arrival_rate,
            service_rate=service_rate,
            customers=customers,
            seed=seed,
        )
    )


def simulate(
    from_: Optional[str] = None,
    to: Optional[str] = None,
    *,
    demand: Optional[float] = None,
    days: Optional[float] = None,
    seed: Optional[int] = None,
    teu_per_train: Optional[float] = None,
    caspian_closure: Optional[float] = None,
    avoid: Union[None, str, Iterable[str]] = None,
    close: Union[None, str, Iterable[str]] = None,
    corridor: Optional[str] = None,
    scenario: Any = None,
) -> Dict[str, Any]:
    """A discrete-event simulation of the network's shipments: ``astana corridor simulate
    --json`` (demand in TEU a year, default 120000; days, default 365)."""
    return _native.corridor_simulate(
        scenario=_scenario(scenario),
        **kwargs(
            **{"from": from_},
            to=to,
            demand=demand,
            days=days,
            seed=seed,
            teu_per_train=teu_per_train,
            caspian_closure=caspian_closure,
            avoid=_list(avoid),
            close=_list(close),
            corridor=corridor,
        ),
    )
