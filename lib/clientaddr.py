"""Which address a request comes from, for the login throttle and the audit log.

Streamlit gives the address of the peer of the WebSocket connection (None when it is this
machine). Behind a reverse proxy that peer is the proxy, and the browser's address is in the
X-Forwarded-For header the proxy appends to. That header is believed only when the peer is a
proxy the administrator listed as trusted (DESCONTO_TRUSTED_PROXIES): anyone else can write any
X-Forwarded-For they like. The header is read from the right (the hop the trusted proxy added)
and trusted proxies are skipped; the first other address is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

LOOPBACK = "127.0.0.1"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Networks from a comma-separated list of addresses or CIDR blocks ("127.0.0.1, 10.0.0.0/8").
    Raises ValueError naming an entry that is neither."""
    out: list[Network] = []
    for item in (s.strip() for s in (text or "").split(",")):
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise ValueError(f"DESCONTO_TRUSTED_PROXIES: {item!r} is not an address") from exc
    return out


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: list[Network]) -> bool:
    return any(addr.version == net.version and addr in net for net in trusted)


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted: list[Network]
) -> str | None:
    """The client's address, or None for this machine itself (no proxy in between).

    `peer` is the connection's address (None means loopback, as Streamlit reports it);
    `forwarded_for` the X-Forwarded-For header values in the order received."""
    peer_addr = _address(peer or LOOPBACK)
    if peer_addr is None:
        return (peer or "")[:64] or None
    if not _trusted(peer_addr, trusted):
        return None if peer is None else peer_addr.compressed
    hops = [h for value in forwarded_for for h in value.split(",") if h.strip()]
    client = peer_addr
    for hop in reversed(hops):
        addr = _address(hop)
        if addr is None:  # a hop that is not an address: stop at the last one we could read
            break
        client = addr
        if not _trusted(addr, trusted):
            break
    if client == peer_addr and peer is None:
        return None
    return client.compressed
