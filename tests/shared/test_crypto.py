import base64
import json
import os

import pytest

from relais_shared.crypto import DecryptionError, Keyring


def key() -> bytes:
    return os.urandom(32)


def test_sealed_value_opens_only_with_its_context_and_hides_the_plaintext():
    ring = Keyring({"k1": key()}, "k1")
    blob = ring.seal("Claire Martin 06 12 34 56 78", context="reports.text:42")
    assert b"Claire" not in blob and b"06 12" not in blob
    assert ring.open(blob, context="reports.text:42") == b"Claire Martin 06 12 34 56 78"
    with pytest.raises(DecryptionError):
        ring.open(blob, context="reports.text:43")  # a ciphertext moved to another row does not open


def test_old_values_stay_readable_after_rotation_and_new_ones_use_the_new_key():
    old, new = key(), key()
    before = Keyring({"2026-01": old}, "2026-01").seal("avant", context="c")
    rotated = Keyring({"2026-01": old, "2026-06": new}, "2026-06")
    after = rotated.seal("après", context="c")
    assert rotated.open(before, context="c") == b"avant"
    assert rotated.open(after, context="c") == "après".encode()
    with pytest.raises(DecryptionError):
        Keyring({"2026-01": old}, "2026-01").open(after, context="c")  # the new key is needed


def test_tampered_bytes_are_refused():
    ring = Keyring({"k": key()}, "k")
    blob = bytearray(ring.seal("secret", context="c"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.open(bytes(blob), context="c")


def test_configuration_is_checked():
    with pytest.raises(ValueError):
        Keyring({"k": b"short"}, "k")
    with pytest.raises(ValueError):
        Keyring({"k": key()}, "other")
    ring = Keyring.from_config(json.dumps({"a": base64.b64encode(key()).decode()}), "a")
    assert ring.active == "a"
