"""Anonymous receipts: 16 random digits shown once, stored only as an Argon2id hash."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw

RECEIPT_DIGITS = 16
# OWASP's Argon2id minimum (19 MiB, 2 passes): slow enough to make guessing offline hopeless with 10^16
# possibilities, fast enough (~20 ms) for a person waiting.
TIME_COST, MEMORY_KIB, PARALLELISM = 2, 19 * 1024, 1


def new_receipt() -> str:
    """Sixteen digits from the system's CSPRNG."""
    return f"{secrets.randbelow(10 ** RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


class ReceiptHasher:
    """Argon2id with a salt derived from the platform secret, so that a receipt can be found by its hash."""

    def __init__(self, secret: str):
        self._salt = hmac.new(secret.encode(), b"relais-receipt-salt-v1", hashlib.sha256).digest()[:16]

    def hash_now(self, receipt: str) -> bytes:
        return hash_secret_raw(receipt.encode(), self._salt, time_cost=TIME_COST, memory_cost=MEMORY_KIB,
                               parallelism=PARALLELISM, hash_len=32, type=Type.ID)

    async def hash(self, receipt: str) -> bytes:
        """Hash off the event loop: Argon2 is deliberately slow and releases the GIL."""
        return await asyncio.to_thread(self.hash_now, receipt)


def format_receipt(receipt: str) -> str:
    """`1234 5678 9012 3456`, easier to copy by hand."""
    return " ".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))
