"""The blocking client."""
import socket
import time

from . import _protocol as protocol
from .errors import WinnowError


class Client:
    """One connection to `winnow serve`, used by one thread at a time.

    Requests are answered in the order sent. `timeout` bounds each wait for an answer (seconds);
    after a timeout the connection is dropped (a late answer must not be taken for the next
    request's), and the next call connects again. A connection the server closed for being idle
    is reopened and the request sent again (the server read nothing of it); connecting is tried
    `connect_attempts` times, waiting `backoff` seconds and doubling up to `max_backoff`.
    """

    def __init__(self, path, timeout=5.0, connect_attempts=6, backoff=0.05, max_backoff=2.0, id_prefix=None,
                 window=256):
        self.path = path
        self.answer_timeout = timeout
        self.connect_attempts = connect_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.window = window
        self.ids = protocol.Ids(id_prefix)
        self._sock = None
        self._buffer = b""

    # Requests

    def judge(self, author, text, channel="default", id=None, ts=None, roles=None, meta=None, **fields):
        """The verdict on one comment (a dict: `action`, `reasons`, …)."""
        return self.request(protocol.event(self.ids, author, text, channel, id, ts, roles, meta, **fields))

    def judge_many(self, events):
        """Verdicts for many events (dicts with `author`, `text`, …), pipelined: at most
        `window` in flight, answers in the order of `events`."""
        requests = [protocol.with_id(self.ids, dict(event)) for event in events]
        answers = []
        for start in range(0, len(requests), self.window):
            answers += self._exchange(requests[start:start + self.window])
        return answers

    def request(self, request):
        """Sends one request (an event or an op, a dict) and returns its answer."""
        return self._exchange([protocol.with_id(self.ids, dict(request))])[0]

    def op(self, op, **fields):
        """A control op: `health`, `stats`, `reload`, `slow_mode`, `timeout`, `ban`, `unban`."""
        return self.request({"op": op, **fields})

    def health(self):
        return self.op("health")

    def stats(self):
        return self.op("stats")

    def reload(self):
        return self.op("reload")

    def slow_mode(self, channel, seconds=None, reset=False, **fields):
        """Slow-mode on in `channel` for `seconds` (0: off), or back to the policy with `reset`."""
        return self.request(protocol.slow_mode_request(channel, seconds, reset, **fields))

    def timeout(self, author, seconds, moderator=None, note=None):
        return self.request(protocol.op_request("timeout", author=author, seconds=seconds, moderator=moderator, note=note))

    def ban(self, author, seconds=None, moderator=None, note=None):
        """A ban for good, or for `seconds`."""
        return self.request(protocol.op_request("ban", author=author, seconds=seconds, moderator=moderator, note=note))

    def unban(self, author, moderator=None, note=None):
        return self.request(protocol.op_request("unban", author=author, moderator=moderator, note=note))

    # The review queue

    def queue(self, channel=None, rule=None, older_than=None, limit=None, offset=None):
        """The open review cases, most urgent first (`answer["cases"]`)."""
        return self.request(protocol.op_request("queue", channel=channel, rule=rule, older_than=older_than, limit=limit,
                                               offset=offset))

    def case(self, case):
        """One case with its comments (each with its verdict) and its decisions."""
        return self.request(protocol.op_request("case", case=case))

    def decide(self, case, outcome, moderator=None, note=None, sanction=None, seconds=None):
        """`approve` or `remove` a case, `uphold` or `overturn` an appeal; the first decision wins
        (a later one answers `ok: false`). With `remove`, `sanction` (`"timeout"` for `seconds`,
        `"ban"` for `seconds` or for good) applies to the case's authors. `answer["changes"]`
        says what the decision changed for each author, and why."""
        return self.request(
            protocol.op_request("decide", case=case, outcome=outcome, moderator=moderator, note=note,
                                sanction=sanction, seconds=seconds))

    def appeal(self, comment_id, message=None):
        """Appeals the verdict on the comment `comment_id` (removed, timed out, banned):
        `answer["case"]` is the appeal's case, for a moderator to uphold or overturn."""
        return self.request(protocol.op_request("appeal", id=comment_id, message=message))

    def decisions(self, after=None):
        """Every decision from now on (or after decision number `after`), as dicts, for as long as
        the caller iterates: on a connection of its own, reopened after a loss where it stopped.
        Waits without a timeout between decisions."""
        position = after
        while True:
            feed = Client(self.path, timeout=None, connect_attempts=self.connect_attempts, backoff=self.backoff,
                          max_backoff=self.max_backoff, id_prefix=self.ids.prefix + "-feed")
            try:
                answer = feed.request(protocol.subscribe_request(position))
                if not answer.get("ok"):
                    raise WinnowError(answer.get("error", "subscribe refused"))
                position = answer["after"]
                while True:
                    line = feed._read_line()
                    if line is None:
                        break  # the server went away: subscribe again from where we are
                    decision = protocol.decode(line)
                    position = decision["decision"]
                    yield decision
            finally:
                feed.close()

    # The connection

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
                self._buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _connect(self):
        delay = self.backoff
        for attempt in range(self.connect_attempts):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.answer_timeout)
            try:
                sock.connect(self.path)
                self._sock, self._buffer = sock, b""
                return
            except (FileNotFoundError, ConnectionRefusedError) as error:
                sock.close()
                if attempt == self.connect_attempts - 1:
                    raise WinnowError(f"cannot connect to {self.path}: {error.strerror or error}") from error
                time.sleep(delay)
                delay = min(delay * 2, self.max_backoff)

    def _exchange(self, requests):
        """Sends `requests` and reads their answers; reconnects once when the server had closed
        the connection for being idle (nothing sent was read)."""
        for attempt in (1, 2):
            if self._sock is None:
                self._connect()
            try:
                self._sock.sendall(b"".join(protocol.encode(r) for r in requests))
            except (BrokenPipeError, ConnectionResetError):
                self.close()  # closed before reading anything of these: send them again
                if attempt == 2:
                    raise
                continue
            answers = protocol.Answers(self.path, requests, retry_if_idle=attempt == 1)
            while not answers.done:
                try:
                    retry = answers.take(self._read_line())
                except WinnowError:
                    self.close()
                    raise
                if retry:
                    self.close()  # closed for being idle before these arrived: send them again
                    break
            else:
                return answers.answers
        raise WinnowError("the connection closed again right after reconnecting")

    def _read_line(self):
        """The next line, or None at the end of the stream."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line, self._buffer = self._buffer[:newline], self._buffer[newline + 1:]
                return line.decode("utf-8")
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                self.close()  # a late answer must not be read as the next request's
                raise
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            self._buffer += chunk

