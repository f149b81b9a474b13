"""Receipts under attack: Argon2 hashing within a memory budget, and failed look-ups counted for an alert."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
import time

import pytest
import yaml
from prometheus_client import REGISTRY

from relais_intake import receipts
from relais_intake.app import create_app
from relais_intake.settings import IntakeSettings
from tests.deploy.test_monitoring import ALERTS, PROMTOOL_MISSING
from tests.support import running_app

FAILED = "relais_intake_receipt_lookups_failed_total"
BUDGET = "relais_intake_receipt_lookup_failures_budget"


def intake_app(isolated, **overrides):
    values = dict(routing_url="http://127.0.0.1:9", receipt_attempts_per_hour=1000, receipt_answer_seconds=0)
    return create_app(isolated.settings(IntakeSettings, **{**values, **overrides}))


def test_hashing_slots_follow_the_cores_and_the_memory_budget():
    per_hash_mib = receipts.MEMORY_KIB / 1024
    assert receipts.hashing_slots(memory_budget_mib=64, cores=8) == int(64 // per_hash_mib) == 3
    assert receipts.hashing_slots(memory_budget_mib=512, cores=2) == 2
    assert receipts.hashing_slots(memory_budget_mib=1, cores=4) == 1  # never none: a person is waiting


@pytest.mark.integration
async def test_a_burst_of_receipts_never_hashes_past_the_memory_budget(isolated):
    app = intake_app(isolated, receipt_hash_memory_mib=40)  # two hashes of 19 MiB
    hasher = app.state.intake.hasher
    lock, running, peak = threading.Lock(), [0], [0]
    real = hasher.hash_now

    def watched(receipt: str) -> bytes:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.02)  # long enough for a burst to pile up on the threads
            return real(receipt)
        finally:
            with lock:
                running[0] -= 1

    hasher.hash_now = watched
    async with running_app(app) as client:
        answers = await asyncio.gather(*(client.post("/v1/receipts/report", json={"receipt": f"{i:016d}"})
                                         for i in range(12)))
    assert {a.status_code for a in answers} == {404}
    assert peak[0] == 2


@pytest.mark.integration
async def test_failed_receipt_look_ups_are_counted_on_every_path(isolated):
    app = intake_app(isolated, receipt_failed_lookups_per_hour_alert=250)
    before = REGISTRY.get_sample_value(FAILED) or 0
    async with running_app(app) as client:
        receipt = (await client.post("/v1/reports", json={"role": "victim", "category": "sexist_harassment",
                                                          "postal_code": "35000", "occurred": "this_week"})
                   ).json()["receipt"]
        assert (await client.post("/v1/receipts/report", json={"receipt": receipt})).status_code == 200
        wrong = "0" * 16
        for path, body in (("/v1/receipts/report", {"receipt": wrong}),
                           ("/v1/receipts/messages", {"receipt": wrong, "text": "Bonjour"}),
                           ("/v1/receipts/erase", {"receipt": wrong})):
            assert (await client.post(path, json=body)).status_code == 404
        assert (await client.post("/retour", data={"receipt": wrong, "lang": "fr"})).status_code == 404
        exported = (await client.get("/metrics")).text
    assert REGISTRY.get_sample_value(FAILED) - before == 4  # the right receipt is not counted
    assert REGISTRY.get_sample_value(BUDGET) == 250
    assert FAILED in exported and BUDGET in exported


def _promtool_test(tmp_path, failures_per_minute: list[int], budget: int, fires: bool) -> subprocess.CompletedProcess:
    """Run `promtool test rules`: replicas each failing at the given pace for 90 minutes, against `budget`."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip(PROMTOOL_MISSING)
    series = [{"series": f'{FAILED}{{pod="intake-{i}"}}', "values": f"0+{pace}x90"}
              for i, pace in enumerate(failures_per_minute)]
    series += [{"series": f'{BUDGET}{{pod="intake-{i}"}}', "values": f"{budget}x90"}
               for i in range(len(failures_per_minute))]
    expected = [] if not fires else [{"exp_labels": {"severity": "warning"}, "exp_annotations": {
        "summary": "Wrong receipt codes are being tried across the platform, beyond the hourly budget",
        "description": ("More receipt codes matched no report in the last hour, all replicas together, than "
                        "RELAIS_INTAKE_RECEIPT_FAILED_LOOKUPS_PER_HOUR_ALERT allows: someone may be guessing "
                        "receipts from many addresses."),
        "runbook_url": "docs/operations.md#relaisreceiptlookupsfailing"}}]
    spec = {"rule_files": [str(ALERTS)], "evaluation_interval": "1m", "tests": [{
        "interval": "1m", "input_series": series,
        "alert_rule_test": [{"eval_time": "75m", "alertname": "RelaisReceiptLookupsFailing", "exp_alerts": expected}],
    }]}
    (tmp_path / "receipts-test.yml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return subprocess.run([promtool, "test", "rules", "receipts-test.yml"], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)


@pytest.mark.parametrize(("paces", "fires"), [([3, 3], True), ([3], False)])
def test_the_alert_fires_once_failures_pass_the_platform_budget(tmp_path, paces, fires):
    """Two replicas at 3 a minute pass a budget of 300 an hour together; one alone does not."""
    done = _promtool_test(tmp_path, paces, budget=300, fires=fires)
    assert done.returncode == 0, done.stdout + done.stderr
