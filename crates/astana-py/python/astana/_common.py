"""What the submodules share: telling a path from text, keyword arguments for the engine."""

import os
from typing import Any, Dict, Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


def is_text(x: Any, marker: str) -> bool:
    """Whether a str is file content (it has a line break or ``marker``) rather than a
    path. Paths never contain a line break; the markers (``=`` in TOML, ``<`` in XML) are
    rare in paths, and a path is tried as text only when it does not exist."""
    if not isinstance(x, str):
        return False
    if "\n" in x:
        return True
    return marker in x and not os.path.exists(x)


def path_str(x: PathLike) -> str:
    return os.fspath(x)


def kwargs(**kw: Any) -> Dict[str, Any]:
    """Keyword arguments for the engine: ``None`` means the CLI's default."""
    return {k: v for k, v in kw.items() if v is not None}


def opt_path(x: Optional[PathLike]) -> Optional[str]:
    return None if x is None else os.fspath(x)
