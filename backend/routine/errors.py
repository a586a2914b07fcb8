from backend.core.errors import Conflict, NotFound


class RecordNotFound(NotFound):
    default_message = "No such record."


class AlreadyRecorded(Conflict):
    default_message = "A record for this period already exists; one is kept per period."


class ClientIdReused(Conflict):
    default_message = "This client_id was used for a different record."


class CorrectionTooLate(Conflict):
    default_message = "This record can no longer be corrected."
