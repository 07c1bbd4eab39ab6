"""The client's address behind (or without) a reverse proxy."""

from __future__ import annotations

import pytest

from lib import config
from lib.clientaddr import client_address, parse_networks

PROXY = parse_networks("127.0.0.1, ::1, 10.0.0.0/8")


@pytest.mark.parametrize(
    ("peer", "xff", "trusted", "expected"),
    [
        # no proxy configured: the connection's own address, whatever the header claims
        ("203.0.113.7", ["1.2.3.4"], [], "203.0.113.7"),
        (None, ["1.2.3.4"], [], None),  # this machine itself
        # the peer is not a trusted proxy: its header is ignored
        ("203.0.113.7", ["1.2.3.4"], PROXY, "203.0.113.7"),
        # a trusted proxy: the address it appended (the right-most)
        ("10.0.0.2", ["198.51.100.9"], PROXY, "198.51.100.9"),
        (None, ["198.51.100.9"], PROXY, "198.51.100.9"),  # Caddy on the same machine
        # a spoofed left part is ignored: the first untrusted from the right counts
        ("10.0.0.2", ["6.6.6.6, 198.51.100.9"], PROXY, "198.51.100.9"),
        ("10.0.0.2", ["6.6.6.6", "198.51.100.9, 10.0.0.3"], PROXY, "198.51.100.9"),
        ("10.0.0.2", ["2001:db8::1"], PROXY, "2001:db8::1"),
        ("10.0.0.2", ["[2001:db8::1]:443"], PROXY, "2001:db8::1"),
        ("10.0.0.2", ["198.51.100.9:51234"], PROXY, "198.51.100.9"),
        # garbage in the header: stop at what could be read
        ("10.0.0.2", ["<script>, 198.51.100.9"], PROXY, "198.51.100.9"),
        ("10.0.0.2", ["198.51.100.9, não-é-ip"], PROXY, "10.0.0.2"),
        ("10.0.0.2", [], PROXY, "10.0.0.2"),
        (None, [], PROXY, None),
    ],
)
def test_client_address(peer, xff, trusted, expected):
    assert client_address(peer, xff, trusted) == expected


def test_trusted_proxies_setting(monkeypatch):
    monkeypatch.setenv("DESCONTO_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert [str(n) for n in config.trusted_proxies()] == ["127.0.0.1/32", "10.0.0.0/8"]
    monkeypatch.setenv("DESCONTO_TRUSTED_PROXIES", "proxy.local")
    with pytest.raises(ValueError, match="proxy.local"):
        config.trusted_proxies()
    monkeypatch.delenv("DESCONTO_TRUSTED_PROXIES")
    assert config.trusted_proxies() == []


def test_session_hours_setting(monkeypatch):
    assert config.session_hours() == 12
    monkeypatch.setenv("DESCONTO_SESSION_HOURS", "8,5")
    assert config.session_hours() == 8.5
    for bad in ("0", "-1", "abc", "100000"):
        monkeypatch.setenv("DESCONTO_SESSION_HOURS", bad)
        assert config.session_hours() == 12
