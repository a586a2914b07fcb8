from backend.core.errors import InvalidInput, PayloadTooLarge, ServiceUnavailable, UnsupportedMediaType


class UploadTooLarge(PayloadTooLarge):
    default_message = "The file is larger than 10 MB or 40 megapixels."


class UploadTypeNotAccepted(UnsupportedMediaType):
    default_message = "Only JPEG, PNG, WebP images and PDF documents are accepted."


class UploadDamaged(InvalidInput):
    default_message = "The file is damaged or incomplete."

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("errors", {"file": [message or self.default_message]})
        super().__init__(message, **kwargs)


class UploadsBusy(ServiceUnavailable):
    default_message = "Too many images are being processed; try again shortly."
