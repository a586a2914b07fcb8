from backend.core.errors import NotFound


class CardNotFound(NotFound):
    default_message = "No business has this code."


class CodeReplaced(NotFound):
    http_status = 410
    default_message = "A regulator replaced this QR code; scan the new one on the premises."
