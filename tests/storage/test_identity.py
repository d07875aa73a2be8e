"""Pseudonyms and encrypted addresses of channel users."""

from __future__ import annotations

import pytest

from vikno.storage import identity
from vikno.storage.errors import ConfigurationError
from vikno.storage.identity import IdentityVault


def test_pseudonyms_are_stable_keyed_and_per_channel(monkeypatch) -> None:
    vault = IdentityVault(b"a-secret-key-of-32-bytes-length!")
    first = vault.user_key("telegram", "123456")
    assert first == vault.user_key("telegram", "123456")  # remembered
    assert len(first) == 40 and "123456" not in first
    assert vault.user_key("viber", "123456") != first  # same id, another channel: another person
    assert IdentityVault(b"another-secret-key-32-bytes-long").user_key("telegram", "123456") != first
    # forgetting what was remembered changes nothing: the key is derived, not stored
    monkeypatch.setattr(identity, "_REMEMBERED_KEYS", 1)
    fresh = IdentityVault(b"a-secret-key-of-32-bytes-length!")
    assert [fresh.user_key("telegram", str(n)) for n in (123456, 1, 2)][0] == first
    assert fresh.user_key("telegram", "123456") == first


def test_addresses_round_trip_encrypted() -> None:
    vault = IdentityVault(b"a-secret-key-of-32-bytes-length!")
    token = vault.encrypt("+380501234567")
    assert "380501234567" not in token and vault.decrypt(token) == "+380501234567"


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        IdentityVault(b"short")
