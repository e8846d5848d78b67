"""What can go wrong talking to the sidecar."""


class WinnowError(Exception):
    """The sidecar refused the connection or said something this client cannot use."""


class ConnectionLost(WinnowError):
    """The connection closed with requests unanswered: they may or may not have been judged.

    `unanswered` holds those requests, in the order they were sent; send them again only if
    judging a comment twice is acceptable (rate limits would count it twice)."""

    def __init__(self, message, unanswered):
        super().__init__(message)
        self.unanswered = unanswered
