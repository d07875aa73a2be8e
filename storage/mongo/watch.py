"""What the driver sees, for the store's health and its indexes.

``WriteWatcher`` records the outcome of every write command (insert,
update, delete, findAndModify, createIndexes) into the store's
:class:`~vikno.storage.health.WriteHealth`: a MongoDB whose disk is full or
whose primary refuses writes still answers a ping. A write that reports a
write concern error counts as failed; a duplicate key (a platform's retry)
does not.

``ReconnectWatcher`` notices a server coming back after it was unreachable
(a restart, a failover, a database restored elsewhere): the indexes are
then checked again before the next write, so a database recreated without
them never takes a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo import monitoring

from ..health import WriteHealth

WRITE_COMMANDS = frozenset({"insert", "update", "delete", "findAndModify", "findandmodify", "createIndexes"})


class WriteWatcher(monitoring.CommandListener):
    def __init__(self, health: WriteHealth) -> None:
        self.health = health

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if event.command_name not in WRITE_COMMANDS:
            return
        reply = event.reply or {}
        if reply.get("writeConcernError"):
            self.health.failed(f"{event.command_name}: {reply['writeConcernError']}")
        else:
            self.health.ok()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        if event.command_name in WRITE_COMMANDS:
            self.health.failed(f"{event.command_name}: {event.failure}")


class ReconnectWatcher(monitoring.ConnectionPoolListener):
    """A server's connection pool becomes ready: at first contact, and again after every outage.

    (A pool listener, not a server listener: those need the driver's event
    thread, which cannot start before the event loop runs.)
    """

    def __init__(self, on_reconnect: Callable[[], None]) -> None:
        self.on_reconnect = on_reconnect

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        self.on_reconnect()

    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        pass

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        pass

    def connection_check_out_started(self, event: monitoring.ConnectionCheckOutStartedEvent) -> None:
        pass

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        pass

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        pass

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        pass
