"""Dicts as TOML text: the package accepts a game or a negotiation domain as a dict and
hands the engines the same file format they read from disk."""

import json
import math
from typing import Any, Dict, List

from ._errors import InputError


def _key(k: str) -> str:
    if k and all(c.isalnum() or c in "_-" for c in k):
        return k
    return json.dumps(k, ensure_ascii=False)


def _value(v: Any, where: str) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise InputError(f"error: {where}: {v} is not a finite number", "bad input")
        return repr(v)
    if isinstance(v, str):
        # A JSON string is a valid TOML basic string (the same escapes).
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x, f"{where}[{i}]") for i, x in enumerate(v)) + "]"
    if isinstance(v, dict):
        return (
            "{ "
            + ", ".join(f"{_key(str(k))} = {_value(x, f'{where}.{k}')}" for k, x in v.items())
            + " }"
        )
    if hasattr(v, "item"):  # a numpy scalar
        return _value(v.item(), where)
    raise InputError(f"error: {where}: unsupported type {type(v).__name__}", "bad input")


def dumps(doc: Dict[str, Any], aliases: "Dict[str, str] | None" = None) -> str:
    """TOML text for ``doc``: scalars, arrays and inline tables as ``key = value``; a list
    of dicts as an array of tables (``[[key]]``). ``aliases`` renames top-level keys (e.g.
    ``players`` → ``player``)."""
    aliases = aliases or {}
    head: List[str] = []
    tail: List[str] = []
    for k, v in doc.items():
        name = aliases.get(k, k)
        if isinstance(v, (list, tuple)) and v and all(isinstance(x, dict) for x in v):
            for i, table in enumerate(v):
                tail.append(f"\n[[{_key(name)}]]")
                for tk, tv in table.items():
                    tail.append(f"{_key(str(tk))} = {_value(tv, f'{name}[{i}].{tk}')}")
        else:
            head.append(f"{_key(name)} = {_value(v, name)}")
    return "\n".join(head + tail) + "\n"
