"""User-facing errors.

Every error a user can cause by bad input (a wrong path, a malformed file, an unknown
gemeente, an impossible parameter) is raised as :class:`AnalysekitError` or a subclass.
The CLI turns these into one line on stderr and a non-zero exit, without a traceback.
Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class AnalysekitError(Exception):
    """Base class for errors caused by user input; the message is shown as one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class DataError(AnalysekitError):
    """A raw or processed data file is missing, malformed or fails validation."""


class SourceUnavailable(AnalysekitError):
    """A remote source (CBS OData) could not be reached or answered with an error."""

    exit_code = 3


class UnknownGemeente(AnalysekitError):
    """A gemeente name or code could not be resolved (unknown or ambiguous)."""


class ParameterError(AnalysekitError):
    """An analysis or report parameter is out of range or of the wrong kind."""
