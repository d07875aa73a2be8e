"""Who is on the other end of a request: the one client address every limit uses.

Behind a reverse proxy every connection comes from the proxy, so limits keyed
by ``request.remote`` would throttle all people together (or none). The
proxy says who it talked to in ``X-Forwarded-For``, but anyone can send that
header, so it is believed only when the connection itself comes from a proxy
the helpline named (``VIKNO_TRUSTED_PROXIES``), and then only as far as the
chain stays inside trusted proxies: the right-most address that is not a
trusted proxy is the client. Entries left of it were written by the client
and are ignored, whatever they say.

Limits count *subscribers*, not addresses (``limit_key``): an IPv6 client
owns a whole /64 (a phone, a home line: 2^64 addresses), so counting each
IPv6 address apart would give one person any number of allowances. IPv4 is
counted as it is, and an IPv4 written as IPv6 (``::ffff:1.2.3.4``) as that
IPv4. The REST channel, the web chat and the operator console's login
limits all count by this same key: the app hands ``TrustedProxies.limit_key``
to each of them (the console, in ``handoff``, which may not import ``bots``,
through its ``Console``; see ``bots/app.py``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from aiohttp import web

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: In the setting: trust connections that have no peer address (a reverse proxy on a unix socket).
UNIX = "unix"
FORWARDED_FOR = "X-Forwarded-For"
#: Entries of X-Forwarded-For looked at, at most: a longer chain is no real proxy set-up.
MAX_HOPS = 32
UNKNOWN = "unknown"
#: One IPv6 subscriber's prefix: RFC 6177 hands every site at least a /64, and SLAAC needs one.
IPV6_SUBSCRIBER_PREFIX = 64

ClientAddress = Callable[[web.Request], str]


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDRs (``10.0.0.5``, ``10.0.0.0/8``, ``::1``); raises ValueError naming a bad one."""
    out = []
    for entry in entries:
        if entry.strip().lower() == UNIX:
            continue
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8, ::1, "
                f"or {UNIX} for a proxy on a unix socket)"
            ) from None
    return tuple(out)


def _address(text: str) -> IPAddress | None:
    """One X-Forwarded-For entry as an address; ports and brackets tolerated (``[::1]:80``, ``1.2.3.4:5``)."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 has several colons
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def limit_key(address: str) -> str:
    """Who a limit counts: the IPv6 /64 the address is in, an IPv4 address as it is.

    Anything that is not an address (``unknown``, a unix socket's name, a
    key made already) is returned unchanged, so applying it twice is harmless.
    """
    found = _address(address)
    if found is None:
        return address
    if isinstance(found, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((found, IPV6_SUBSCRIBER_PREFIX), strict=False))
    return str(found)


class TrustedProxies:
    """``client_address(request)`` for one deployment's list of trusted proxies."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        entries = list(entries)
        self.networks = parse_networks(entries)
        self.unix = any(e.strip().lower() == UNIX for e in entries)

    def trusted(self, address: IPAddress | None) -> bool:
        if address is None:
            return False
        return any(address.version == n.version and address in n for n in self.networks)

    def client_address(self, request: web.Request) -> str:
        peer_text = request.remote
        peer = _address(peer_text) if peer_text else None
        direct = str(peer) if peer is not None else (peer_text or UNKNOWN)
        from_proxy = self.trusted(peer) if peer is not None else (self.unix and not peer_text)
        if not from_proxy:
            return direct
        hops = [h for header in request.headers.getall(FORWARDED_FOR, ()) for h in header.split(",")]
        client = direct
        for hop in reversed(hops[-MAX_HOPS:]):
            address = _address(hop)
            if address is None:  # garbage the last trusted proxy passed on: stop at what it saw
                return client
            client = str(address)
            if not self.trusted(address):
                return client
        return client  # every hop is a trusted proxy: the left-most one is the best we know

    def limit_key(self, request: web.Request) -> str:
        """The client as every limit counts it (see ``limit_key``): what the app hands to the channels."""
        return limit_key(self.client_address(request))

    __call__ = limit_key


def direct_address(request: web.Request) -> str:
    """The peer alone (no proxies trusted), as limits count it: the default where nothing is configured."""
    return TrustedProxies().limit_key(request)
