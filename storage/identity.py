"""Channel identities: pseudonyms for lookup, encryption for replying.

A Telegram chat id or a Viber user id is personal data. The store keeps a
keyed HMAC of it as ``user_key`` (stable, so the same person finds their
conversation, but useless without the key) and the id itself only encrypted
(Fernet), because a reply needs it. Operators see :meth:`IdentityVault.
pseudonym`, never either value. Both keys derive from one secret.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import ConfigurationError
from .files import private_file, private_folder

SECRET_FILENAME = "secret.key"


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vikno", info=label).derive(secret)


#: Pseudonyms of this many recent writers are kept; the memory starts over when full.
_REMEMBERED_KEYS = 20_000


def _check(secret: bytes) -> None:
    if len(secret) < 16:
        raise ConfigurationError(
            "the secret key must be at least 16 bytes; generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )


#: What a stored platform message id looks like: ``#`` and 40 hex digits. No
#: channel's own ids start with ``#`` (REST and web chat keys cannot hold one).
HASHED_PLATFORM_ID = re.compile(r"#[0-9a-f]{40}")
#: The stand-in of messages without a platform id (``local:<message id>``): our own id, kept as it is.
LOCAL_PREFIX = "local:"


class PlatformIds:
    """Keyed hashes of platform message ids: what the store keeps instead of them.

    A platform message id names the person: ``<telegram chat id>:<message id>``,
    ``<web chat key>:<n>``, ``<REST key>:<n>`` (the two keys are a person's only
    credential). De-duplicating a platform's retry needs only equality, so the
    store keeps HMAC-SHA256 of the id under a key derived from the deployment's
    secret. Hashing a stored value again returns it unchanged, so a message read
    back from the store can be written again.
    """

    def __init__(self, secret: bytes) -> None:
        _check(secret)
        self._key = _derive(secret, b"platform-id")

    def __call__(self, platform_id: str | None) -> str | None:
        if platform_id is None or platform_id.startswith(LOCAL_PREFIX) or HASHED_PLATFORM_ID.fullmatch(platform_id):
            return platform_id
        return "#" + hmac.digest(self._key, platform_id.encode(), "sha256").hex()[:40]


class IdentityVault:
    def __init__(self, secret: bytes) -> None:
        _check(secret)
        self._hmac_key = _derive(secret, b"pseudonym")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"address")))
        self._code_key = _derive(secret, b"report-code")
        self._draft_key = _derive(secret, b"report-draft")
        self._draft_code_key = _derive(secret, b"report-draft-code")
        self._appeal_draft_key = _derive(secret, b"appeal-draft")
        self._appeal_number_key = _derive(secret, b"appeal-draft-number")
        self._keys: dict[tuple[str, str], str] = {}

    def user_key(self, channel: str, channel_user_id: str) -> str:
        """Stable keyed pseudonym of a channel user (what the store indexes).

        Every message needs it, and people write several in a row: the
        pseudonyms of recent writers are kept (in memory only, like the ids
        that arrive with every request anyway).
        """
        found = self._keys.get((channel, channel_user_id))
        if found is None:
            found = hmac.digest(self._hmac_key, f"{channel}\x00{channel_user_id}".encode(), "sha256").hex()[:40]
            if len(self._keys) >= _REMEMBERED_KEYS:
                self._keys.clear()
            self._keys[(channel, channel_user_id)] = found
        return found

    def code_hash(self, code: str) -> str:
        """Keyed hash of a report's reference code (flows/report_codes.py): what the store keeps and looks up.

        Keyed, so a copy of the database alone cannot test guesses offline
        (the code space is small enough to search without the key).
        """
        return hmac.digest(self._code_key, code.encode(), "sha256").hex()

    def report_key(self, draft: str) -> str:
        """Keyed hash of a report's draft (its conversation and random id): the store keeps one report per key."""
        return hmac.digest(self._draft_key, draft.encode(), "sha256").hex()

    def report_code_bytes(self, draft: str, draw: int) -> bytes:
        """The secret bytes a draft's ``draw``-th reference code is made of (flows/report_codes.py ``code_of``).

        The same draft always gives the same code, so whichever worker (or a retry after a crash) finds the
        report made tells the code it was made with; without the key and the draft's random id, gone with
        the draft, nobody can compute it.
        """
        return hmac.digest(self._draft_code_key, f"{draft}\x00{draw}".encode(), "sha256")

    def appeal_key(self, draft: str) -> str:
        """Keyed hash of an appeal's draft (its conversation and random id): the store keeps one appeal per key."""
        return hmac.digest(self._appeal_draft_key, draft.encode(), "sha256").hex()

    def appeal_number_bytes(self, draft: str, draw: int) -> bytes:
        """The secret bytes a draft's ``draw``-th appeal number is made of (flows/appeal_numbers.py ``number_of``),
        as ``report_code_bytes`` for a report's code: the same draft, the same number, for whoever finds it."""
        return hmac.digest(self._appeal_number_key, f"{draft}\x00{draw}".encode(), "sha256")

    def encrypt(self, address: str) -> str:
        return self._fernet.encrypt(address.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken as exc:
            raise ConfigurationError(
                "a stored address cannot be decrypted: the secret key changed "
                "since it was written (VIKNO_SECRET_KEY / secret.key)"
            ) from exc

    @staticmethod
    def pseudonym(user_key: str) -> str:
        """Short, readable and stable name an operator can say aloud."""
        return f"#{user_key[:4].upper()}-{user_key[4:8].upper()}"


def load_or_create_secret(data_dir: Path, configured: str | None) -> bytes:
    """The configured secret, else the one in the data folder, else a new one.

    Several workers must share one secret: set VIKNO_SECRET_KEY for them.
    """
    if configured:
        return configured.encode()
    path = private_folder(Path(data_dir)) / SECRET_FILENAME
    if path.exists():
        return private_file(path).read_bytes().strip()
    value = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(value + b"\n")
    return value
