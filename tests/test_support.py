"""The suite's own helpers that other tests lean on (tests/support.py)."""

from __future__ import annotations

import socket

from tests.support import _outgoing_ports, free_port


def test_free_ports_are_distinct_bindable_and_not_where_outgoing_connections_take_theirs() -> None:
    """Two workers (and other runs) share the machine: a port handed out must not be an outgoing
    connection's source port a moment later, nor one this process handed out before."""
    low, high = _outgoing_ports()
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    for port in ports:
        assert not low <= port <= high, (port, low, high)
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
