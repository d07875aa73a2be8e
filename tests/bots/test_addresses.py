"""Which client a request comes from: a table of peers, X-Forwarded-For headers and trusted proxies."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from vikno.bots.addresses import TrustedProxies, direct_address, limit_key

NGINX = ["127.0.0.1", "::1"]
CHAIN = ["10.0.0.0/8", "192.168.1.5"]

#: (trusted proxies, peer address, X-Forwarded-For headers, the client every limit sees)
CASES = [
    ([], "203.0.113.5", [], "203.0.113.5"),
    ([], "203.0.113.5", ["198.51.100.1"], "203.0.113.5"),  # nobody trusted: the header is the client's word
    (NGINX, "203.0.113.5", ["198.51.100.1"], "203.0.113.5"),  # trusted proxies, but the peer is not one
    (NGINX, "127.0.0.1", [], "127.0.0.1"),
    (NGINX, "127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
    (NGINX, "::1", ["2001:db8::7"], "2001:db8::7"),
    (NGINX, "127.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # what the client prepended is ignored
    (NGINX, "127.0.0.1", ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),  # two headers: one list, in order
    (CHAIN, "10.1.2.3", ["198.51.100.1, 192.168.1.5, 10.9.9.9"], "198.51.100.1"),  # through two trusted hops
    (CHAIN, "10.1.2.3", ["10.4.4.4"], "10.4.4.4"),  # every hop trusted: the left-most is the best known
    (NGINX, "127.0.0.1", ["198.51.100.1:5678"], "198.51.100.1"),  # a port after the address
    (NGINX, "127.0.0.1", ["[2001:db8::9]:443"], "2001:db8::9"),
    (NGINX, "127.0.0.1", ["::ffff:198.51.100.3"], "198.51.100.3"),  # IPv4 written as IPv6
    (NGINX, "127.0.0.1", ["198.51.100.1, not-an-address"], "127.0.0.1"),  # garbage from the proxy: stop there
    (NGINX, "127.0.0.1", ["not-an-address, 198.51.100.1"], "198.51.100.1"),
]


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "client"), CASES)
def test_the_client_address(trusted: list[str], peer: str, forwarded: list[str], client: str) -> None:
    headers = [("X-Forwarded-For", value) for value in forwarded]
    request = make_mocked_request("GET", "/", headers=headers)
    request = request.clone(remote=peer)
    assert TrustedProxies(trusted).client_address(request) == client


def test_a_bad_entry_in_the_setting_is_named() -> None:
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address"):
        TrustedProxies(["127.0.0.1", "proxy.local"])


#: (an address as the client resolves to it, the key every limit counts it by)
LIMIT_KEYS = [
    ("203.0.113.5", "203.0.113.5"),  # IPv4 as it is: one address is one client
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),  # one subscriber owns the whole /64
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),  # the neighbouring /64 is someone else
    ("::ffff:198.51.100.3", "198.51.100.3"),  # IPv4 written as IPv6 is that IPv4
    ("::1", "::/64"),
    ("2001:db8:1:2::/64", "2001:db8:1:2::/64"),  # applied twice: the same
    ("unknown", "unknown"),
]


@pytest.mark.parametrize(("address", "key"), LIMIT_KEYS)
def test_limits_count_an_ipv6_64_as_one_client(address: str, key: str) -> None:
    assert limit_key(address) == key


@pytest.mark.parametrize(
    ("peer", "forwarded", "key"),
    [
        ("2001:db8:5:6::42", [], "2001:db8:5:6::/64"),  # a direct IPv6 listener (--host ::)
        ("127.0.0.1", ["2001:db8:5:6:1:2:3:4"], "2001:db8:5:6::/64"),  # behind a trusted proxy
        ("127.0.0.1", ["::ffff:203.0.113.9"], "203.0.113.9"),
    ],
)
def test_the_limit_key_of_a_request(peer: str, forwarded: list[str], key: str) -> None:
    request = make_mocked_request("GET", "/", headers=[("X-Forwarded-For", v) for v in forwarded]).clone(remote=peer)
    assert TrustedProxies(NGINX).limit_key(request) == key
    if not forwarded:
        assert direct_address(request) == key
