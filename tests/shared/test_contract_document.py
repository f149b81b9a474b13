"""The published contract document must match the code: other teams build against it."""

import json
import subprocess
import sys
from pathlib import Path

from relais_shared import contracts

DOCUMENT = Path(__file__).resolve().parents[2] / "docs/contracts/events.schema.json"


def test_committed_contract_document_is_up_to_date():
    assert json.loads(DOCUMENT.read_text()) == json.loads(json.dumps(contracts.json_schemas())), (
        "regenerate it: uv run relais contracts export --out docs/contracts/events.schema.json")


def test_export_command_writes_the_schemas(tmp_path):
    out = tmp_path / "events.json"
    subprocess.run([sys.executable, "-m", "relais_cli.main", "contracts", "export", "--out", str(out)], check=True,
                   capture_output=True, timeout=60)
    exported = json.loads(out.read_text())
    assert set(exported["events"]) >= {"report.received.v1", "emergency.raised.v1", "intervention.completed.v1"}
