from backend.core.errors import NotFound
from backend.workflow.errors import TransitionConflict


class ChefNotFound(NotFound):
    default_message = "No such chef."


class BanquetNotFound(NotFound):
    default_message = "No such banquet."


class GuidanceNotFound(NotFound):
    default_message = "No such guidance task."


class IncidentNotFound(NotFound):
    default_message = "No such incident."


class StepConflict(TransitionConflict):
    """A step not allowed now: reviewed or decided already, a banned chef, a sample kept twice."""

    default_message = "This is not allowed now; reload it."
