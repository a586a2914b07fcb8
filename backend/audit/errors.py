from backend.core.errors import ServiceUnavailable


class AuditWriteContention(ServiceUnavailable):
    default_message = "The audit log is busy; try again."
