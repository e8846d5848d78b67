"""The asyncio client."""
import asyncio

from . import _protocol as protocol
from .errors import WinnowError


class AsyncClient:
    """One connection to `winnow serve` for asyncio; concurrent calls are sent one exchange
    at a time (a lock keeps each exchange's answers together), in the order they take the lock.

    The same behaviour as `Client`: ids, a `timeout` per exchange (the connection is dropped
    after one), reconnection with back-off, an idle-closed connection reopened and the request
    sent again, pipelining with at most `window` requests in flight.
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
        self._reader = None
        self._writer = None
        self._lock = asyncio.Lock()

    async def judge(self, author, text, channel="default", id=None, ts=None, roles=None, meta=None, **fields):
        return await self.request(protocol.event(self.ids, author, text, channel, id, ts, roles, meta, **fields))

    async def judge_many(self, events):
        requests = [protocol.with_id(self.ids, dict(event)) for event in events]
        answers = []
        for start in range(0, len(requests), self.window):
            answers += await self._exchange(requests[start:start + self.window])
        return answers

    async def request(self, request):
        return (await self._exchange([protocol.with_id(self.ids, dict(request))]))[0]

    async def op(self, op, **fields):
        return await self.request({"op": op, **fields})

    async def health(self):
        return await self.op("health")

    async def stats(self):
        return await self.op("stats")

    async def reload(self):
        return await self.op("reload")

    async def slow_mode(self, channel, seconds=None, reset=False, **fields):
        """Slow-mode on in `channel` for `seconds` (0: off), or back to the policy with `reset`."""
        return await self.request(protocol.slow_mode_request(channel, seconds, reset, **fields))

    async def timeout(self, author, seconds, moderator=None, note=None):
        return await self.request(protocol.op_request("timeout", author=author, seconds=seconds, moderator=moderator, note=note))

    async def ban(self, author, seconds=None, moderator=None, note=None):
        """A ban for good, or for `seconds`."""
        return await self.request(protocol.op_request("ban", author=author, seconds=seconds, moderator=moderator, note=note))

    async def unban(self, author, moderator=None, note=None):
        return await self.request(protocol.op_request("unban", author=author, moderator=moderator, note=note))

    async def queue(self, channel=None, rule=None, older_than=None, limit=None, offset=None):
        return await self.request(protocol.op_request("queue", channel=channel, rule=rule, older_than=older_than, limit=limit,
                                               offset=offset))

    async def case(self, case):
        return await self.request(protocol.op_request("case", case=case))

    async def decide(self, case, outcome, moderator=None, note=None, sanction=None, seconds=None):
        return await self.request(
            protocol.op_request("decide", case=case, outcome=outcome, moderator=moderator, note=note,
                                sanction=sanction, seconds=seconds))

    async def appeal(self, comment_id, message=None):
        return await self.request(protocol.op_request("appeal", id=comment_id, message=message))

    async def decisions(self, after=None):
        """Every decision from now on (or after `after`), as an async iterator, on a connection of
        its own, reopened after a loss where it stopped."""
        position = after
        while True:
            feed = AsyncClient(self.path, timeout=self.answer_timeout, connect_attempts=self.connect_attempts,
                               backoff=self.backoff, max_backoff=self.max_backoff,
                               id_prefix=self.ids.prefix + "-feed")
            try:
                answer = await feed.request(protocol.subscribe_request(position))
                if not answer.get("ok"):
                    raise WinnowError(answer.get("error", "subscribe refused"))
                position = answer["after"]
                while True:
                    try:
                        line = await feed._reader.readline()
                    except (ConnectionResetError, asyncio.IncompleteReadError):
                        line = b""
                    if not line.endswith(b"\n"):
                        break  # the server went away: subscribe again from where we are
                    decision = protocol.decode(line.decode("utf-8"))
                    position = decision["decision"]
                    yield decision
            finally:
                await feed.close()

    async def close(self):
        if self._writer is not None:
            writer, self._reader, self._writer = self._writer, None, None
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def _connect(self):
        delay = self.backoff
        for attempt in range(self.connect_attempts):
            try:
                self._reader, self._writer = await asyncio.open_unix_connection(self.path, limit=1 << 22)
                return
            except (FileNotFoundError, ConnectionRefusedError) as error:
                if attempt == self.connect_attempts - 1:
                    raise WinnowError(f"cannot connect to {self.path}: {error.strerror or error}") from error
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)

    async def _exchange(self, requests):
        async with self._lock:
            try:
                return await asyncio.wait_for(self._exchange_locked(requests), self.answer_timeout)
            except asyncio.TimeoutError:
                await self.close()  # a late answer must not be read as the next request's
                raise

    async def _exchange_locked(self, requests):
        for attempt in (1, 2):
            if self._writer is None:
                await self._connect()
            try:
                self._writer.write(b"".join(protocol.encode(r) for r in requests))
                await self._writer.drain()
            except (BrokenPipeError, ConnectionResetError):
                await self.close()
                if attempt == 2:
                    raise
                continue
            answers = protocol.Answers(self.path, requests, retry_if_idle=attempt == 1)
            while not answers.done:
                try:
                    line = await self._reader.readline()
                except (ConnectionResetError, asyncio.IncompleteReadError):
                    line = b""
                try:
                    retry = answers.take(line.decode("utf-8") if line.endswith(b"\n") else None)
                except WinnowError:
                    await self.close()
                    raise
                if retry:
                    await self.close()
                    break
            else:
                return answers.answers
        raise WinnowError("the connection closed again right after reconnecting")
