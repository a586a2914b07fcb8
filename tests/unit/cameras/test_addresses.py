import socket

import pytest

from backend.cameras.addresses import AddressRefused, is_public, resolve_checked


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:0:127.0.0.1",  # SIIT
        "64:ff9b::169.254.169.254",  # NAT64
        "64:ff9b:1::a9fe:a9fe",  # NAT64, local-use prefix
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo of a private client (127.0.0.1 obfuscated)
        "fec0::1",  # site-local
        "224.0.0.1",
    ],
)
def test_addresses_inside_our_networks_are_refused_in_every_form(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2400:3200::1", "64:ff9b::808:808", "2002:808:808::"])
def test_public_addresses_pass(address):
    assert is_public(address)


def test_a_name_is_checked_by_every_address_it_resolves_to(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 554))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    assert resolve_checked("camera.example", 554, allow_private=False) == answers
    answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 554)))
    with pytest.raises(AddressRefused, match="private"):
        resolve_checked("camera.example", 554, allow_private=False)
    assert resolve_checked("camera.example", 554, allow_private=True) == answers
