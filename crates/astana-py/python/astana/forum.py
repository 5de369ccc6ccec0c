"""Forum scheduling: bilateral meetings and panels (``astana forum schedule``)."""

import os
from typing import Any, Dict, Optional, Union

from . import _native
from ._common import kwargs

__all__ = ["schedule"]


def schedule(
    folder: "Union[str, os.PathLike[str]]",
    *,
    seconds: Optional[float] = None,
    work: Optional[int] = None,
    seed: Optional[int] = None,
) -> Dict[str, Any]:
    """Schedules a forum folder (forum.toml, rooms.csv, participants.csv, requests.csv,
    panels.csv): the schedule document of ``astana forum schedule --json``. ``work`` (the
    search's budget) makes the answer reproducible; ``seconds`` caps the time (default 30).

    Example:
        >>> s = astana.forum.schedule("data/scenarios/kazakhstan/forum", work=20000)  # doctest: +SKIP
        >>> s["scheduled"], s["requests"]  # doctest: +SKIP
    """
    return _native.forum_schedule(os.fspath(folder), **kwargs(seconds=seconds, work=work, seed=seed))
