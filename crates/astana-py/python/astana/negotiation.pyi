import os
from typing import Any, Dict, Iterable, Optional, Union

Domain = Union[str, os.PathLike[str], Dict[str, Any]]

def frontier_frame(result: Dict[str, Any]) -> Any: ...
def analyze(
    domain: Domain,
    profiles: Iterable[Union[str, os.PathLike[str]]] = (),
    *,
    max_work: Optional[float] = None,
    insist: bool = False,
    frontier: str = "list",
) -> Dict[str, Any]: ...
def run(
    domain: Domain,
    profiles: Iterable[Union[str, os.PathLike[str]]] = (),
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
) -> Dict[str, Any]: ...
