"""One exception type for every problem with user input.

Every message names the file (or argument) and the problem in one line, so the CLI
can print it without a traceback. See DEVELOPERS.md, "Errors".
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: a missing/unreadable file, a CRS problem, unknown codes, ...

    ``source`` is the file or argument at fault, ``problem`` a short plain sentence.
    """

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")

    def __reduce__(self) -> tuple:
        """Pickled as its source and problem (raised in a worker process, re-raised by
        the parent)."""
        return (type(self), (self.source, self.problem))


class TooLargeError(InputError):
    """Input over a size limit (too many cells, features or bytes); the web layer
    answers it with HTTP 413."""


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message (at most ``limit`` characters), or its
    type's name when it has none: what a one-line error shows of a library's failure."""
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else type(exc).__name__
