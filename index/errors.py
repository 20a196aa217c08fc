"""Typed errors: every failure a user can cause becomes one of these, and one line at the edge."""

from __future__ import annotations


REBUILD = "run: qa index --rebuild PATH..."  # the fix for an index that cannot be used as it is
# The fix for damage found while copying: `qa check` says what else is damaged before the rebuild.
CHECK_THEN_REBUILD = "run: qa check, then qa index --rebuild PATH..."


class QAError(Exception):
    """Base of every error the tool reports to the user as a one-line message, with its fix if it has one."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}" if self.fix else self.message


class InputError(QAError):
    """A path, file or question the user gave cannot be used."""


class NotFoundError(InputError):
    """A document the user named by its id is not in the index."""


class IndexMissingError(QAError):
    """No index exists at the given folder."""


class IndexDamagedError(QAError):
    """The index on disk is truncated, corrupted or internally inconsistent."""


class IndexMismatchError(QAError):
    """The index was built by another format version, model or dimension."""


class IndexBusyError(QAError):
    """Another process holds the index's write lock."""


class ModelError(QAError):
    """The embedding model could not be loaded."""


class ReaderDamagedError(QAError):
    """The shipped reader model is missing, truncated or fails its checksum."""


class ReaderMissingError(QAError):
    """The reader the user chose is not installed here."""


class IndexWriteError(QAError):
    """The index folder cannot be written (full disk, permissions); the live generation is intact."""


class ExtraMissingError(QAError):
    """A command needs an optional extra (`pip install -e '.[NAME]'`) that is not installed."""


class ClusterError(QAError):
    """Ray is missing, or the Ray cluster `qa index --ray` names cannot be reached."""
