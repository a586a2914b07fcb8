from backend.core.errors import InvalidInput, NotFound
from backend.workflow.errors import TransitionConflict


class FileRefused(InvalidInput):
    """The file as a whole cannot be imported (encoding, size, header row); nothing was written."""

    default_message = "The file cannot be imported."

    def __init__(self, message: str, *, missing_columns: list[str] | None = None):
        super().__init__(message, errors={"file": [message]})
        self.missing_columns = missing_columns or []


class ImportNotFound(NotFound):
    default_message = "No such import."


class SampleNotFound(NotFound):
    default_message = "No such sample."


class CaseNotFound(NotFound):
    default_message = "No such disposition case."


class CaseConflict(TransitionConflict):
    default_message = "The case changed meanwhile; reload it and try again."


class RetestNotAllowed(InvalidInput):
    default_message = "A re-test cannot be requested for this case."
