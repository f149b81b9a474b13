"""Which service may open which sealed value: purposes, their key groups, and per-service derived keys.

A sealed value's purpose is the part of its context before ":" (``followup.contact:<report id>``). Values that
travel between services have a shared purpose listed here with the services that seal or open them; any other
value belongs to the service its context starts with (``intake.reports.text`` → intake). Each group's key is
derived from a master key: development holds the master, a production service only its own groups' keys.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE_SEPARATOR = "/"
# Sealed values that travel between services, by purpose, and the services that seal or open them. Any other
# purpose belongs to the service its first word names (intake.reports.text → intake) and to it alone.
SHARED_PURPOSES: dict[str, frozenset[str]] = {
    "followup.contact": frozenset({"intake", "escalation", "followup"}),
    "escalation.contact": frozenset({"intake", "escalation"}),
    "escalation.emergency": frozenset({"intake", "chat", "followup", "escalation"}),
    "escalation.location": frozenset({"intake", "followup", "escalation"}),
    "chat.ticket": frozenset({"intake", "chat"}),
}


def key_group(context: str) -> str:
    """Whose key seals a value with this context: a shared purpose, or the service that owns the value."""
    purpose = context.split(":", 1)[0]
    return purpose if purpose in SHARED_PURPOSES else purpose.split(".", 1)[0]


def groups_of(service: str) -> frozenset[str]:
    """The key groups a service needs: its own values and the shared purposes it seals or opens."""
    return frozenset({service} | {purpose for purpose, who in SHARED_PURPOSES.items() if service in who})


@lru_cache(maxsize=256)
def derive(master: bytes, group: str) -> bytes:
    """The key-encryption key of one key group, from a master key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"relais data key|" + group.encode()).derive(master)


def restrict(keys: dict[str, bytes], service: str) -> dict[str, bytes]:
    """The keys to give one service: for each master, the derived keys of that service's groups only."""
    restricted = {}
    for key_id, key in keys.items():
        if PURPOSE_SEPARATOR in key_id:
            if key_id.split(PURPOSE_SEPARATOR, 1)[1] in groups_of(service):
                restricted[key_id] = key
            continue
        restricted.update({f"{key_id}{PURPOSE_SEPARATOR}{g}": derive(key, g) for g in sorted(groups_of(service))})
    return restricted


def main(argv: list[str]) -> int:
    """`python -m relais_shared.purposes derive <service>`: RELAIS_DATA_KEYS for one service, from the masters."""
    if len(argv) != 2 or argv[0] != "derive":
        print("usage: RELAIS_DATA_KEYS='{\"id\": \"<master>\"}' python -m relais_shared.purposes derive <service>",
              file=sys.stderr)
        return 2
    masters = {kid: base64.b64decode(v) for kid, v in json.loads(os.environ["RELAIS_DATA_KEYS"]).items()}
    keys = restrict(masters, argv[1])
    print(json.dumps({kid: base64.b64encode(k).decode() for kid, k in keys.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
