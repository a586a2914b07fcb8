from backend.core.errors import InvalidInput, NotFound
from backend.workflow.errors import TransitionConflict


class CameraNotFound(NotFound):
    default_message = "No such camera."


class EventNotFound(NotFound):
    default_message = "No such camera event."


class StreamUrlRefused(InvalidInput):
    default_message = "This stream URL cannot be used."


class EventConflict(TransitionConflict):
    default_message = "The event changed meanwhile; reload it and try again."
