"""Envelope encryption at rest: AES-256-GCM per value, data keys wrapped by key-encryption keys from config.

Rotation: add a new key id to RELAIS_DATA_KEYS and make it RELAIS_ACTIVE_DATA_KEY; new values are sealed
with it while values sealed with older keys stay readable as long as their key stays configured.

Purposes: a value is sealed under a key derived (HKDF) for its purpose, the part of its context before ":".
A master key (`"2026-01": …`) derives every purpose's key: development and the tests run on one. A service in
production holds only the derived keys of its own purposes (`"2026-01/followup.contact": …`, made by
`python -m relais_shared.purposes derive <service>`), so stats or routing cannot open a contact that only passes
through them.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from relais_shared.purposes import PURPOSE_SEPARATOR, derive, key_group

FORMAT_VERSION = 2  # 1: wrapped by the configured key itself (read only); 2: by the key derived for the purpose
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A sealed value could not be opened: unknown key id, wrong context, or tampered bytes."""


class MissingKeyError(DecryptionError):
    """This keyring holds no key for that purpose: the value is not meant for this service."""


@dataclass(frozen=True)
class SealedValue:
    key_id: str
    wrapped_key: bytes  # nonce + AES-GCM(KEK, data key)
    nonce: bytes
    ciphertext: bytes
    version: int = FORMAT_VERSION

    def to_bytes(self) -> bytes:
        kid = self.key_id.encode()
        return struct.pack("!BB", self.version, len(kid)) + kid + struct.pack("!H", len(self.wrapped_key)) \
            + self.wrapped_key + self.nonce + self.ciphertext

    @classmethod
    def from_bytes(cls, blob: bytes) -> SealedValue:
        try:
            version, kid_len = struct.unpack_from("!BB", blob)
            if version not in (1, FORMAT_VERSION):
                raise DecryptionError(f"unknown sealed format {version}")
            kid = blob[2:2 + kid_len].decode()
            (wrapped_len,) = struct.unpack_from("!H", blob, 2 + kid_len)
            start = 4 + kid_len
            wrapped, rest = blob[start:start + wrapped_len], blob[start + wrapped_len:]
            return cls(kid, wrapped, rest[:NONCE_BYTES], rest[NONCE_BYTES:], version)
        except (struct.error, UnicodeDecodeError) as exc:
            raise DecryptionError("malformed sealed value") from exc

    def to_text(self) -> str:
        """URL-safe base64, for JSON (events)."""
        return base64.urlsafe_b64encode(self.to_bytes()).decode()

    @classmethod
    def from_text(cls, text: str) -> SealedValue:
        return cls.from_bytes(base64.urlsafe_b64decode(text.encode()))


class Keyring:
    """The configured key-encryption keys; `active` wraps the data keys of new values.

    `keys` maps a key id to a master key, or `<key id>/<group>` to the key derived for one group only.
    """

    def __init__(self, keys: dict[str, bytes], active: str):
        if any(len(k) != 32 for k in keys.values()):
            raise ValueError("every data key must be 32 bytes (base64 of 32 random bytes)")
        if active not in {kid.split(PURPOSE_SEPARATOR, 1)[0] for kid in keys}:
            raise ValueError(f"the active data key {active!r} is not among the configured keys")
        self._keys, self.active = dict(keys), active

    @classmethod
    def from_config(cls, keys_json: str, active: str) -> Keyring:
        """Parse RELAIS_DATA_KEYS ({"key-id": "<base64 of 32 bytes>", "key-id/purpose": "…", …})."""
        decoded = {kid: base64.b64decode(value) for kid, value in json.loads(keys_json).items()}
        return cls(decoded, active)

    @property
    def holds_master(self) -> bool:
        """Whether some key opens every purpose (development; a service in production holds only its own)."""
        return any(PURPOSE_SEPARATOR not in kid for kid in self._keys)

    def _kek(self, key_id: str, group: str | None) -> bytes:
        """The key-encryption key: the configured key itself (format 1), or the one derived for the group."""
        master = self._keys.get(key_id)
        if group is None:
            if master is None:
                raise MissingKeyError(f"data key {key_id!r} is not configured")
            return master
        if master is not None:
            return derive(master, group)
        kek = self._keys.get(f"{key_id}{PURPOSE_SEPARATOR}{group}")
        if kek is None:
            raise MissingKeyError(f"data key {key_id!r} is not configured for {group!r} here")
        return kek

    def seal(self, plaintext: str | bytes, *, context: str) -> bytes:
        """Encrypt with a fresh data key; `context` (table, column, row id) must match to open it."""
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        kek = self._kek(self.active, key_group(context))
        data_key, nonce, key_nonce = AESGCM.generate_key(256), os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
        ciphertext = AESGCM(data_key).encrypt(nonce, data, context.encode())
        wrapped = key_nonce + AESGCM(kek).encrypt(key_nonce, data_key, self.active.encode())
        return SealedValue(self.active, wrapped, nonce, ciphertext).to_bytes()

    def open(self, blob: bytes, *, context: str) -> bytes:
        sealed = SealedValue.from_bytes(blob)
        kek = self._kek(sealed.key_id, key_group(context) if sealed.version > 1 else None)
        try:
            data_key = AESGCM(kek).decrypt(sealed.wrapped_key[:NONCE_BYTES], sealed.wrapped_key[NONCE_BYTES:],
                                           sealed.key_id.encode())
            return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, context.encode())
        except Exception as exc:  # noqa: BLE001 - InvalidTag and friends: never say more than "cannot open"
            raise DecryptionError("cannot open sealed value") from exc

    def open_text(self, blob: bytes | None, *, context: str) -> str | None:
        return None if blob is None else self.open(blob, context=context).decode()
