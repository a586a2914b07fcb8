from backend.core.errors import NotFound
from backend.workflow.errors import TransitionConflict


class InspectionNotFound(NotFound):
    default_message = "No such inspection."


class RectificationNotFound(NotFound):
    default_message = "No such rectification item."


class InspectionSigned(TransitionConflict):
    default_message = "A signed inspection never changes; record a correction that refers to it."


class ChecklistNotFound(NotFound):
    default_message = "No such checklist."
