from backend.core.errors import ServiceUnavailable


class SendFailed(ServiceUnavailable):
    default_message = "The message could not be sent; it will be tried again."
