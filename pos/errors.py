"""Errors a booth's staff will read: each message is a sentence saying what to do next."""


class BoothError(Exception):
    """A refusal with a message meant for the person at the terminal."""

    def __init__(self, message: str, /, **params: object):
        """``message`` is a template the UI translates (context "messages"), then fills in.

        ``params`` are already formatted for people: money via pos.money.format_fen, names, codes.
        """
        self.template = message
        self.params = params
        super().__init__(message.format(**params) if params else message)


class NotFound(BoothError):
    """Something asked for (a product, a cashier) is not on this terminal."""


class Refused(BoothError):
    """The request is understood but not allowed (wrong PIN, short tender, blocked product)."""


class StorageError(BoothError):
    """The terminal's database could not record the change; nothing was written."""
