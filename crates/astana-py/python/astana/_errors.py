"""The exceptions astana raises. Their text is exactly what the ``astana`` CLI prints on
stderr for the same question (file, line and field included); ``exit_code`` is the CLI's."""

from typing import Any, Dict, List


class AstanaError(Exception):
    """Any failure of an astana question.

    Attributes:
        message: the CLI's message, e.g. ``"error: game.toml:3:8: ..."``.
        title: a short summary (``"bad input"``, ``"computation failed"``, ``"not found"``).
        errors: the located problems one by one: dicts with ``file``, ``line``, ``column``,
            ``field`` and ``message`` (empty when the message is not about a file).
        exit_code: what the CLI exits with: 2 for bad input, 1 for a failed computation.
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        title: str = "",
        errors: "List[Dict[str, Any]] | None" = None,
        exit_code: "int | None" = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.title = title
        self.errors = list(errors or [])
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(AstanaError, ValueError):
    """Bad input or parameters: the CLI exits 2."""

    exit_code = 2


class NotFoundError(InputError, LookupError):
    """A named thing (a game, a file) does not exist: the CLI exits 2."""


class ComputationError(AstanaError, RuntimeError):
    """The question is well formed but has no answer (no data, over a work limit): the CLI
    exits 1."""

    exit_code = 1
