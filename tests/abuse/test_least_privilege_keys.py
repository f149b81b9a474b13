"""Per-purpose data keys: a sealed field opens only in the services it is meant for.

A contact travels sealed on report.received (every consumer gets the event) and on emergency.raised; stats and
routing take report.received too, so holding the same key as intake would let them read every contact.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import uuid
from pathlib import Path

import pytest

from relais_shared.crypto import DecryptionError, Keyring, MissingKeyError
from relais_shared.purposes import SHARED_PURPOSES, groups_of, key_group, restrict
from relais_shared.sealing import open_field, seal_field

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "routing", "chat", "escalation", "followup", "stats")
CONTACT = json.dumps({"channel": "phone", "phone": "0612345678", "safe_windows": [], "no_voicemail": True})
# Contexts a service builds from a variable purpose, which a scan of its literals cannot see.
COMPUTED = {"intake": {"escalation.emergency", "escalation.location", "escalation.contact"},
            "chat": {"chat.ticket"}}  # through relais_shared.tickets


def rings() -> dict[str, Keyring]:
    """Each service's keyring as production configures it: only its own groups, derived from one master."""
    master = {"2026-01": os.urandom(32)}
    return {s: Keyring(restrict(master, s), "2026-01") for s in SERVICES}


def test_a_contact_for_followup_opens_in_followup_and_escalation_only() -> None:
    ring, report_id = rings(), uuid.uuid4()
    sealed = seal_field(ring["intake"], CONTACT, context=f"followup.contact:{report_id}")  # on report.received
    assert open_field(ring["followup"], sealed, context=f"followup.contact:{report_id}") == CONTACT
    assert open_field(ring["escalation"], sealed, context=f"followup.contact:{report_id}") == CONTACT
    for service in ("stats", "routing", "chat"):
        with pytest.raises(MissingKeyError):
            open_field(ring[service], sealed, context=f"followup.contact:{report_id}")


def test_a_contact_for_the_dispatcher_opens_in_escalation_only() -> None:
    ring, emergency_id = rings(), uuid.uuid4()
    sealed = seal_field(ring["intake"], CONTACT, context=f"escalation.contact:{emergency_id}")
    assert open_field(ring["escalation"], sealed, context=f"escalation.contact:{emergency_id}") == CONTACT
    for service in ("stats", "routing", "chat", "followup"):
        with pytest.raises(DecryptionError):
            open_field(ring[service], sealed, context=f"escalation.contact:{emergency_id}")


def test_a_value_declaring_another_context_still_opens_only_under_the_readers_own() -> None:
    """The reader derives the context: a blob re-labelled as a stats value does not open anywhere else."""
    ring, report_id = rings(), uuid.uuid4()
    sealed = seal_field(ring["intake"], CONTACT, context=f"followup.contact:{report_id}")
    relabelled = sealed.model_copy(update={"context": f"stats.events:{report_id}"})
    with pytest.raises(DecryptionError):
        open_field(ring["stats"], relabelled, context=relabelled.context)
    with pytest.raises(DecryptionError):  # another case's context does not open it either
        open_field(ring["followup"], sealed, context=f"followup.contact:{uuid.uuid4()}")


def test_a_service_seals_and_reopens_what_it_keeps_at_rest_with_its_own_keys_only() -> None:
    ring = rings()
    for service in SERVICES:
        blob = ring[service].seal("x", context=f"{service}.table.column:1")
        assert ring[service].open(blob, context=f"{service}.table.column:1") == b"x"
        other = next(s for s in SERVICES if s != service)
        with pytest.raises(MissingKeyError):
            ring[other].open(blob, context=f"{service}.table.column:1")


def test_development_keeps_one_master_key_for_every_service() -> None:
    master = Keyring({"dev-1": os.urandom(32)}, "dev-1")
    sealed = seal_field(master, CONTACT, context="followup.contact:1")
    assert master.holds_master and open_field(master, sealed, context="followup.contact:1") == CONTACT
    assert not rings()["stats"].holds_master


def test_values_sealed_before_purposes_stay_readable_with_the_master() -> None:
    key = os.urandom(32)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from relais_shared.crypto import SealedValue

    data_key, nonce, key_nonce = AESGCM.generate_key(256), os.urandom(12), os.urandom(12)
    old = SealedValue("k", key_nonce + AESGCM(key).encrypt(key_nonce, data_key, b"k"), nonce,
                      AESGCM(data_key).encrypt(nonce, b"avant", b"intake.reports.text:1"), version=1).to_bytes()
    assert Keyring({"k": key}, "k").open(old, context="intake.reports.text:1") == b"avant"
    with pytest.raises(MissingKeyError):
        Keyring(restrict({"k": key}, "intake"), "k").open(old, context="intake.reports.text:1")


def _purposes_in_code(service: str) -> set[str]:
    """Purposes of the contexts a service's code builds: f-strings that start like "a.b:{id}"."""
    found: set[str] = set()
    for path in (ROOT / "services" / service / f"relais_{service}").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and len(node.values) > 1 and isinstance(node.values[0], ast.Constant):
                match = re.fullmatch(r"([a-z_]+(?:\.[a-z_]+)+):", str(node.values[0].value))
                if match:
                    found.add(match.group(1))
    return found | COMPUTED.get(service, set())


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_holds_the_keys_of_every_context_its_code_seals_or_opens(service: str) -> None:
    purposes = _purposes_in_code(service)
    missing = {p for p in purposes if key_group(p) not in groups_of(service)}
    assert not missing, f"{service} seals or opens {sorted(missing)}: add it to SHARED_PURPOSES"
    shared = {p for p in purposes if p in SHARED_PURPOSES}
    assert shared <= groups_of(service)


def test_the_kubernetes_configuration_gives_each_service_its_own_keys() -> None:
    """As deployed (local overlay, rendered): stats and routing cannot open intake's contact for follow-up."""
    from tests.deploy.manifests import KUBERNETES, by_kind, render

    objects = render(KUBERNETES / "overlays" / "local")
    secrets = {name: {k: base64.b64decode(v).decode() for k, v in s["data"].items()}
               for name, s in by_kind(objects, "Secret").items()}
    ring = {}
    for service in SERVICES:
        (container,) = by_kind(objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
        keys, active = env["RELAIS_DATA_KEYS"], env["RELAIS_ACTIVE_DATA_KEY"]
        ring[service] = Keyring.from_config(secrets[keys["name"]][keys["key"]], secrets[active["name"]][active["key"]])
    sealed = seal_field(ring["intake"], CONTACT, context="followup.contact:42")
    assert open_field(ring["followup"], sealed, context="followup.contact:42") == CONTACT
    for service in ("stats", "routing"):
        assert not ring[service].holds_master
        with pytest.raises(DecryptionError):
            open_field(ring[service], sealed, context="followup.contact:42")
