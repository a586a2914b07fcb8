"""Which network addresses a camera may be reached at: public ones only (unless
CAMERA_ALLOW_PRIVATE_ADDRESSES), checked when a camera is registered and again by the video worker at
every connection it makes (DNS may answer differently the second time).

An IPv6 address can carry an IPv4 one inside it (IPv4-mapped and -compatible, SIIT, NAT64, 6to4,
Teredo): Python calls most of those forms global, so the IPv4 address inside is checked as well.
"""

from __future__ import annotations

import ipaddress
import socket

IPv4_IN_IPv6 = (  # prefixes whose last 32 bits (or 6to4's bits 16-48) are an IPv4 address
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::ffff:0:0:0/96"),  # SIIT, IPv4-translated
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64, local-use prefix
)
SITE_LOCAL = ipaddress.ip_network("fec0::/10")  # deprecated, still routed inside some networks


class AddressRefused(ValueError):
    """The host resolves to nothing, or to an address a camera may not be at."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if any(ip in network for network in IPv4_IN_IPv6):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def is_public(address: str) -> bool:
    """Whether a camera may be at this IP address (a literal, with or without a zone)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in SITE_LOCAL:
            return False
        return all(is_public(str(inner)) for inner in _embedded_ipv4(ip))
    return True


def resolve_checked(host: str, port: int, allow_private: bool) -> list[tuple]:
    """The host's addresses (getaddrinfo entries for TCP), every one of them allowed; the caller
    connects to one of these and to nothing else (no second lookup between check and connect)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        raise AddressRefused("the host does not resolve") from None
    if not infos:
        raise AddressRefused("the host does not resolve")
    if not allow_private and not all(is_public(info[4][0]) for info in infos):
        raise AddressRefused("the host is a private or reserved address")
    return infos
