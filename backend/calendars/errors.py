from backend.core.errors import InvalidInput


class DaysOutsideTheYear(InvalidInput):
    default_message = "Every day must fall in the year being loaded."
