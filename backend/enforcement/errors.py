from backend.core.errors import Conflict, NotFound
from backend.workflow.errors import TransitionConflict


class LeadNotFound(NotFound):
    default_message = "No such lead."


class CaseNotFound(NotFound):
    default_message = "No such case."


class LeadConflict(TransitionConflict):
    default_message = "The lead was reviewed meanwhile; reload it."


class StepRefused(Conflict):
    """A case step the procedure does not allow now (out of order, past its deadline, without consent)."""

    default_message = "This step is not allowed at this point of the procedure."


class DocumentNotIssued(NotFound):
    default_message = "The case has not issued this document."
