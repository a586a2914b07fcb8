from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.workflow.errors import TransitionConflict


class ComplaintNotFound(NotFound):
    default_message = "No such complaint, or the query key is wrong."


class InvalidComplaintTransition(TransitionConflict):
    default_message = "The complaint is not in a state that allows this; reload it and try again."


class DuplicateComplaint(Conflict):
    default_message = "The same complaint was submitted within 24 hours."


class UploadNotFound(InvalidInput):
    default_message = "Unknown upload id(s)."
