"""A client for `winnow serve`, the Winnow moderation sidecar (standard library only).

    from winnow_client import Client
    with Client("/run/winnow/winnow.sock") as winnow:
        verdict = winnow.judge("some_user", "buy followers now!!!", channel="stream-42")

`AsyncClient` is the same for asyncio; `RoutedClient` sends each author to one of several
sidecars by hash. See docs/sidecar.md in the Winnow repository.
"""
from .aio import AsyncClient
from .client import Client
from .errors import ConnectionLost, WinnowError
from .routed import RoutedClient, partition

__all__ = ["Client", "AsyncClient", "RoutedClient", "partition", "WinnowError", "ConnectionLost"]
__version__ = "0.1.0"
