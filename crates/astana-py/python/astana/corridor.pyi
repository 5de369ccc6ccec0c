import os
from typing import Any, Dict, Iterable, Optional, Union

Scenario = Optional[Union[str, os.PathLike[str]]]
Names = Union[None, str, Iterable[str]]

def routes(
    from_: Optional[str] = None,
    to: Optional[str] = None,
    *,
    k: Optional[int] = None,
    by: Optional[str] = None,
    avoid: Names = None,
    close: Names = None,
    corridor: Optional[str] = None,
    value_of_time: Optional[float] = None,
    all_pairs: bool = False,
    scenario: Scenario = None,
) -> Dict[str, Any]: ...
def queue(
    servers: int,
    arrival_rate: float,
    service_rate: float,
    *,
    customers: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]: ...
def simulate(
    from_: Optional[str] = None,
    to: Optional[str] = None,
    *,
    demand: Optional[float] = None,
    days: Optional[float] = None,
    seed: Optional[int] = None,
    teu_per_train: Optional[float] = None,
    caspian_closure: Optional[float] = None,
    avoid: Names = None,
    close: Names = None,
    corridor: Optional[str] = None,
    scenario: Scenario = None,
) -> Dict[str, Any]: ...
