"""Client-side partitioning over several sidecars."""
from .client import Client


def partition(author, count):
    """The sidecar (or stream partition) of `author` among `count`: FNV-1a 64 of its UTF-8,
    modulo `count` — the partition function of `winnow route`."""
    h = 0xCBF29CE484222325
    for byte in author.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h % count


class RoutedClient:
    """Several `winnow serve` sidecars, each author always sent to the same one (`partition`),
    as memcached clients spread keys: every sidecar then sees all of its authors' comments and
    keeps their windows — rate limits, repeat, strikes, timeouts — exact without `--shared`.
    What is not per author stays per sidecar: a channel's slow-mode and raid counts, flood
    campaigns spread over authors of several sidecars (add `--shared` for those).

    Moderator ops about an author go to that author's sidecar; `slow_mode`, `reload`, `health`
    and `stats` go to every sidecar and return the list of answers. The options are `Client`'s.
    """

    def __init__(self, paths, **options):
        if not paths:
            raise ValueError("RoutedClient needs at least one sidecar")
        self.clients = [Client(path, **options) for path in paths]

    def client_for(self, author):
        return self.clients[partition(author, len(self.clients))]

    def judge(self, author, text, **fields):
        return self.client_for(author).judge(author, text, **fields)

    def judge_many(self, events):
        """Verdicts for many events, each pipelined to its author's sidecar (one after the
        other); answers in the order of `events`."""
        groups = {}
        for index, event in enumerate(events):
            groups.setdefault(partition(event["author"], len(self.clients)), []).append(index)
        answers = [None] * len(events)
        for sidecar, indices in groups.items():
            for index, answer in zip(indices, self.clients[sidecar].judge_many([events[i] for i in indices])):
                answers[index] = answer
        return answers

    def timeout(self, author, seconds, **fields):
        return self.client_for(author).timeout(author, seconds, **fields)

    def ban(self, author, seconds=None, **fields):
        return self.client_for(author).ban(author, seconds, **fields)

    def unban(self, author, **fields):
        return self.client_for(author).unban(author, **fields)

    def slow_mode(self, channel, seconds=None, reset=False, **fields):
        return [client.slow_mode(channel, seconds, reset, **fields) for client in self.clients]

    def reload(self):
        return [client.reload() for client in self.clients]

    def health(self):
        return [client.health() for client in self.clients]

    def stats(self):
        return [client.stats() for client in self.clients]

    def close(self):
        for client in self.clients:
            client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
