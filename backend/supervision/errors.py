from backend.core.errors import NotFound
from backend.workflow.errors import TransitionConflict


class OfficialNotFound(NotFound):
    default_message = "No such official."


class TaskNotFound(NotFound):
    default_message = "No such supervision task."


class PledgeNotFound(NotFound):
    default_message = "No such pledge."


class HandoverNotFound(NotFound):
    default_message = "No such handover."


class ImportNotFound(NotFound):
    default_message = "No such import."


class AssignmentConflict(TransitionConflict):
    default_message = "The pairing changed meanwhile; reload it."


class AlreadyDone(TransitionConflict):
    """A step taken already (a pledge signed, a task completed, a handover decided) or no longer open."""

    default_message = "This was done already."
