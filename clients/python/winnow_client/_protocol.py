"""The wire format shared by the blocking and the asyncio client: NDJSON requests, one answer
line each, in the order sent."""
import itertools
import json
import os
import secrets
import socket

from .errors import ConnectionLost, WinnowError

# A line with only an `error` key is about the connection, not a request: an idle connection
# being closed (safe to send again: the server read nothing more), or a refusal.
IDLE_PREFIX = "idle for "


class Ids:
    """Event ids unique to this client: `<host>-<pid>-<random>-<n>`. A bot that has the chat
    platform's own message id should pass that instead (`audit explain` then finds it)."""

    def __init__(self, prefix=None):
        self.prefix = prefix or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.counter = itertools.count(1)

    def next(self):
        return f"{self.prefix}-{next(self.counter)}"


def event(ids, author, text, channel="default", id=None, ts=None, roles=None, meta=None, **fields):
    """An event request; `id` is made up when not given."""
    request = {"id": id if id is not None else ids.next(), "author": author, "text": text, "channel": channel}
    if ts is not None:
        request["ts"] = ts
    if roles:
        request["roles"] = list(roles)
    if meta is not None:
        request["meta"] = meta
    request.update(fields)
    return request


def with_id(ids, request):
    """`request` (an event or op dict) with an id, made up when it has none."""
    if "id" in request:
        return request
    return {"id": ids.next(), **request}


def encode(request):
    return (json.dumps(request, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line):
    """An answer line as a dict; raises `WinnowError` for a line that is not JSON."""
    try:
        answer = json.loads(line)
    except ValueError as error:
        raise WinnowError(f"the sidecar sent a line that is not JSON: {line[:200]!r}") from error
    if not isinstance(answer, dict):
        raise WinnowError(f"the sidecar sent a line that is not an object: {line[:200]!r}")
    return answer


def connection_message(answer):
    """The text of a connection-level line (only an `error` key), else None."""
    if "error" in answer and "action" not in answer and "op" not in answer:
        return str(answer["error"])
    return None


def check_id(request, answer):
    """The answer must be for the request sent at its place: the same id."""
    if answer.get("id") != request.get("id"):
        raise WinnowError(f"answer for id {answer.get('id')!r} where {request.get('id')!r} was expected")


class Answers:
    """Reads the answers of one exchange, line by line, for both clients: checks each against its
    request, and says when the server had closed the connection for being idle before any of
    them arrived (the requests were not read: send them again)."""

    def __init__(self, path, requests, retry_if_idle):
        self.path = path
        self.requests = requests
        self.retry_if_idle = retry_if_idle
        self.answers = []

    @property
    def done(self):
        return len(self.answers) == len(self.requests)

    def take(self, line):
        """Takes the next line (None at the end of the stream); returns "retry" when the whole
        exchange should be sent again on a new connection, else None. Raises what went wrong."""
        if line is None:
            raise ConnectionLost(
                f"{self.path} closed the connection with {len(self.requests) - len(self.answers)} requests unanswered",
                self.requests[len(self.answers):])
        answer = decode(line)
        message = connection_message(answer)
        if message is not None:
            if message.startswith(IDLE_PREFIX) and not self.answers and self.retry_if_idle:
                return "retry"
            raise WinnowError(message)
        check_id(self.requests[len(self.answers)], answer)
        self.answers.append(answer)
        return None


def op_request(op, **fields):
    """An op request; `None` fields (an optional `moderator`, `note`, `seconds`) are left out."""
    return {"op": op, **{k: v for k, v in fields.items() if v is not None}}


def slow_mode_request(channel, seconds=None, reset=False, **fields):
    return {"op": "slow_mode", "channel": channel, **({"reset": True} if reset else {"seconds": seconds}), **fields}


def subscribe_request(after=None):
    """The decision feed from now on, or after decision number `after`."""
    return op_request("subscribe", to="decisions", after=after)
