from backend.core.errors import Conflict, NotFound
from backend.workflow.errors import TransitionConflict


class BusinessNotFound(NotFound):
    default_message = "No such business."


class InvalidTransition(TransitionConflict):
    default_message = "The business is not in a state that allows this; reload it and try again."


class DuplicateUscc(Conflict):
    default_message = "A business with this unified social credit code (USCC) is already registered."


class StaleVersion(Conflict):
    default_message = "The business was changed meanwhile; reload it and apply your change again."


class InvitationInvalid(NotFound):
    default_message = "The invitation code is unknown, used or expired."


class DocumentNotFound(NotFound):
    default_message = "No such document."


class AlreadyMember(Conflict):
    default_message = "You are already a member of this business."


class ChangeNotFound(NotFound):
    default_message = "No such change request."
