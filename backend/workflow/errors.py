from backend.core.errors import Conflict


class TransitionConflict(Conflict):
    default_message = "The record is not in a state that allows this; reload it and try again."
