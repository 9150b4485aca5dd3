"""Errors a booth's staff will read: each message is a sentence saying what to do next."""


class BoothError(Exception):
    """A refusal with a message meant for the person at the terminal."""


class NotFound(BoothError):
    """Something asked for (a product, a cashier) is not on this terminal."""


class Refused(BoothError):
    """The request is understood but not allowed (wrong PIN, short tender, blocked product)."""


class StorageError(BoothError):
    """The terminal's database could not record the change; nothing was written."""
