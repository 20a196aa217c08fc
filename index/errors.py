"""Typed errors: every failure a user can cause becomes one of these, and one line at the edge."""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the tool reports to the user as a one-line message."""


class InputError(QAError):
    """A path, file or question the user gave cannot be used."""


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
