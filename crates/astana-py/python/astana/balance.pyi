import os
from typing import Any, Dict, List, Optional, Union

Scenario = Optional[Union[str, os.PathLike[str]]]

def to_columns(table: Any) -> Dict[str, List[Any]]: ...
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
    scenario: Scenario = None,
) -> Dict[str, Any]: ...
def all(
    df: Any = None,
    *,
    flow: Optional[str] = None,
    period: Optional[str] = None,
    n: Optional[int] = None,
    scenario: Scenario = None,
) -> Dict[str, Any]: ...
def products(
    df: Any,
    *,
    reporter: str,
    year: int,
    flow: str = "exports",
    period: Optional[str] = None,
    universe: Optional[int] = None,
) -> Dict[str, Any]: ...
def rca(
    df: Any,
    *,
    reporter: str,
    year: int,
    flow: str = "exports",
    period: Optional[str] = None,
    world: bool = False,
) -> Dict[str, Any]: ...
