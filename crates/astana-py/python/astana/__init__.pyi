import os
from typing import Any, Dict, Optional, Union

from . import balance as balance
from . import corridor as corridor
from . import forum as forum
from . import negotiation as negotiation
from . import power as power
from ._errors import AstanaError as AstanaError
from ._errors import ComputationError as ComputationError
from ._errors import InputError as InputError
from ._errors import NotFoundError as NotFoundError

__version__: str

def brief_document(
    scenario: Optional[Union[str, os.PathLike[str]]] = None,
    *,
    year: Optional[int] = None,
    date: Optional[str] = None,
) -> Dict[str, Any]: ...
def brief(
    scenario: Optional[Union[str, os.PathLike[str]]] = None,
    *,
    year: Optional[int] = None,
    date: Optional[str] = None,
) -> str: ...
