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


class JournalBehindHq(Refused):
    """HQ holds more of this terminal's journal than this PC, or another entry at the same
    seq: any entry written now would fork the journal, so nothing is written until
    `booth-pos journal recover` has run."""


def journal_behind_hq(kind: str, hq_seq: int, local_seq: int) -> JournalBehindHq:
    """The refusal for a terminal found behind HQ (``kind`` "behind") or differing from it
    at HQ's head (``kind`` "differs")."""
    if kind == "differs":
        return JournalBehindHq(
            "HQ's entry {seq} of this terminal's journal differs from this PC's: a sale now "
            "would fork the journal. Selling is stopped: a manager runs 'booth-pos journal "
            "recover', which says whether HQ must be called.",
            seq=hq_seq,
        )
    return JournalBehindHq(
        "HQ holds this terminal's journal up to entry {hq_seq}, this PC only up to entry "
        "{local_seq}: a sale now would fork the journal. Selling is stopped until a manager "
        "runs 'booth-pos journal recover'.",
        hq_seq=hq_seq,
        local_seq=local_seq,
    )
