import os
from typing import Any, Dict, Optional, Union

def schedule(
    folder: Union[str, os.PathLike[str]],
    *,
    seconds: Optional[float] = None,
    work: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]: ...
