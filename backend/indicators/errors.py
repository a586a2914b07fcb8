from backend.core.errors import NotFound


class IndicatorNotFound(NotFound):
    default_message = "No such indicator."


class ReportNotFound(NotFound):
    default_message = "No such report."
