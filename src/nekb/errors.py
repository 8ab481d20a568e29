"""The errors nekb raises on purpose: every one derives from :class:`NekbError`.

A ``NekbError`` is something a user can act on (a bad file, a missing index, a wrong option); its
``str()`` is one line naming the file or value. Anything else escaping nekb is a bug and should
show its traceback, which is why the CLI and the page catch ``NekbError`` only.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path


class NekbError(Exception):
    """Base class of every error nekb raises for bad input or a bad state of the index."""


def printable(name: str) -> str:
    """A file name fit for a one-line message: control characters (a newline) shown escaped."""
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch)[0] == "C" else ch for ch in name
    )


class IngestError(NekbError):
    """A document could not be read; ``str()`` is ``"<file name>: <reason>"`` on one line."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{printable(self.path.name)}: {reason}")


def short_reason(message: str, limit: int = 80) -> str:
    """The first line of a library's error message, cut to a readable length for a one-line reason."""
    line = (message.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


class NoTextError(IngestError):
    """A readable file with nothing to index (a blank scan): a warning, not a failure."""


class InputError(NekbError, ValueError):
    """A value or file given to nekb is not valid (a malformed question file, an unknown model)."""


class NotFoundError(NekbError, KeyError):
    """A document or fact id that the index does not hold."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class IndexMissingError(NekbError, FileNotFoundError):
    """No complete index version exists in the index directory."""


class IndexDamagedError(NekbError):
    """A file of an index version is unreadable or inconsistent (names the file)."""


class LockedError(NekbError):
    """Another live process holds the index's write lock."""


class ModelMismatchError(NekbError, ValueError):
    """The index was built with a different embedding model than the one requested."""

    @classmethod
    def of(cls, index: str, built: str, wanted: str) -> ModelMismatchError:
        """The error for ``index`` (as the user would name it), built with ``built``, asked for ``wanted``."""
        return cls(
            f"{index} was built with model {built!r}, not {wanted!r}: "
            f"rebuild it with `nekb build --full --model {wanted}`"
        )
