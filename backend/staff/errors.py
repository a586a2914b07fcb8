from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.workflow.errors import TransitionConflict


class StaffNotFound(NotFound):
    default_message = "No such staff member at this business."


class CertificateNotFound(NotFound):
    default_message = "No such health certificate."


class AlreadyOnStaff(Conflict):
    default_message = "A person with this ID number is already on this business's staff."


class AlreadyEnded(TransitionConflict):
    default_message = "This person's employment has already ended."


class NoStaffForHouseholds(InvalidInput):
    default_message = "A household keeps no staff records."
