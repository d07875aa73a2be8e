"""Operators' passwords (handoff/passwords.py): argon2id at the library's defaults, as vikno ships it.

The tests' own processes hash at argon2id's lowest cost (``cheap_password_hashing``, tests/conftest.py); this
file checks the shipped hasher itself, so that the cost vikno runs with is still pinned.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type

from vikno.handoff import passwords

PASSWORD = "correct horse battery"


def test_the_shipped_hasher_is_argon2id_at_the_library_defaults(cheap_password_hashing: PasswordHasher) -> None:
    shipped, defaults = cheap_password_hashing, PasswordHasher()
    assert shipped.type is Type.ID
    assert (shipped.time_cost, shipped.memory_cost, shipped.parallelism, shipped.hash_len, shipped.salt_len) == (
        defaults.time_cost,
        defaults.memory_cost,
        defaults.parallelism,
        defaults.hash_len,
        defaults.salt_len,
    )
    hashed = shipped.hash(PASSWORD)
    assert hashed.startswith(
        f"$argon2id$v=19$m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}$"
    )
    assert shipped.verify(hashed, PASSWORD) and not shipped.check_needs_rehash(hashed)


def test_a_hash_of_the_shipped_cost_is_checked_and_renewed_at_the_cost_in_use(
    cheap_password_hashing: PasswordHasher,
) -> None:
    """A hash made at another cost (a vikno process the tests started, or an older vikno) still logs in, and
    ``needs_rehash`` asks for it to be made again at the cost in use: what happens to an operator's hash when
    the defaults change."""
    made_elsewhere = cheap_password_hashing.hash(PASSWORD)
    assert passwords.verify_password(made_elsewhere, PASSWORD)
    assert not passwords.verify_password(made_elsewhere, "wrong horse battery")
    assert passwords.needs_rehash(made_elsewhere)
    assert not passwords.needs_rehash(passwords.hash_password(PASSWORD))
