from backend.core.errors import Conflict, NotFound


class LotNotFound(NotFound):
    default_message = "No such lot."


class TraceCodeNotFound(NotFound):
    default_message = "No lot has this trace code."


class LotCodeTaken(Conflict):
    default_message = "This supplier already shipped a lot with this lot code."


class CertificateNotFound(NotFound):
    default_message = "No such produce certificate."


class RecallNotFound(NotFound):
    default_message = "No such recall."


class LotAlreadyChecked(Conflict):
    default_message = "The lot was checked on receipt already."
