from backend.core.errors import InvalidInput, NotFound
from backend.workflow.errors import TransitionConflict


class ProductNotFound(NotFound):
    default_message = "No such product."


class OrderNotFound(NotFound):
    default_message = "No such order."


class OrderConflict(TransitionConflict):
    default_message = "The order changed meanwhile; reload it and try again."


class SupplierUnavailable(InvalidInput):
    default_message = "The supplier is not approved on the platform or is suspended."
