from backend.core.errors import NotFound, ServiceUnavailable


class SendFailed(ServiceUnavailable):
    default_message = "The message could not be sent; it will be tried again."


class NotificationNotFound(NotFound):
    default_message = "No such message."
