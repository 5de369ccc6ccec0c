import os
from typing import Any, Dict, Iterable, Optional, Union

Game = Union[str, os.PathLike[str], Dict[str, Any]]

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
) -> Dict[str, Any]: ...
