"""Domain errors shared by the apps; the API's exception handler turns them into HTTP answers."""


class DomainConflict(Exception):
    """The action conflicts with the object's current state (HTTP 409)."""


class DomainInputError(ValueError):
    """Input that breaks a domain rule (HTTP 400); `field` names the input at fault."""

    def __init__(self, message, field="non_field_errors"):
        super().__init__(message)
        self.field = field
