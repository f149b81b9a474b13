"""Alert rules, the Grafana dashboard and the operations guide: promtool where it is installed, structure always."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.manifests import MONITORING, ROOT

ALERTS = MONITORING / "alerts.yml"
DASHBOARD = MONITORING / "grafana-dashboard.json"
GUIDE = ROOT / "docs" / "operations.md"
PROMTOOL_MISSING = "promtool is not installed: install the Debian package `prometheus` (it ships /usr/bin/promtool)"
# Metrics the chat engineers are adding; the rules and the dashboard use these names until they land.
ASSUMED_METRICS = {"relais_chat_queue_wait_seconds", "relais_chat_connections"}
REQUIRED_TOPICS = {
    "outbox backlog age": "relais_outbox_oldest_age_seconds",
    "dead-lettered messages": "relais_dead_lettered_total",
    "incidents past deadline": 'relais_escalation_escalations_total{reason="deadline"}',
    "call-backs overdue": "relais_followup_entries_overdue",
    "chat queue wait": "relais_chat_queue_wait_seconds",
    "consumers missing": "rabbitmq_detailed_queue_consumers",
    "broker disconnected": "relais_broker_connected",
    "service down": "up{",
}
DASHBOARD_TOPICS = ("Reports per hour", "Chat queue wait per force", "Incident acknowledgement time",
                    "Call-backs due and overdue", "Server errors")


def _rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"] for rule in group["rules"]]


def _defined_metrics() -> set[str]:
    """Metric names the code registers (prometheus_client Counter/Gauge/Histogram)."""
    names: set[str] = set()
    for path in [*ROOT.glob("shared/relais_shared/*.py"), *ROOT.glob("services/*/relais_*/*.py")]:
        names |= set(re.findall(r'(?:Counter|Gauge|Histogram)\(\s*"(relais_\w+)"', path.read_text(encoding="utf-8")))
    return names


def _used_metrics(expr: str) -> set[str]:
    return {re.sub(r"_(bucket|sum|count)$", "", name) for name in re.findall(r"\b(relais_\w+)", expr)}


def _dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    return [t["expr"] for p in panels for t in p.get("targets", [])]


def _promtool(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip(PROMTOOL_MISSING)
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_promtool_accepts_the_alert_rules(tmp_path: Path) -> None:
    done = _promtool(tmp_path, "check", "rules", str(ALERTS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_accepts_every_dashboard_query(tmp_path: Path) -> None:
    rules = [{"record": f"relais:dashboard_query_{i}", "expr": expr} for i, expr in enumerate(_dashboard_exprs())]
    (tmp_path / "dashboard-queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "q", "rules": rules}]}))
    done = _promtool(tmp_path, "check", "rules", "dashboard-queries.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_complete_and_explained() -> None:
    guide = GUIDE.read_text(encoding="utf-8").lower()
    names = [rule["alert"] for rule in _rules()]
    assert len(names) == len(set(names)), "two alerts share a name"
    for rule in _rules():
        name = rule["alert"]
        assert rule["expr"].strip() and rule["labels"]["severity"] in ("critical", "warning"), name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
        assert rule["annotations"]["runbook_url"] == f"docs/operations.md#{name.lower()}", name
        assert f"### {name.lower()}" in guide, f"docs/operations.md has no '### {name}' section"


def test_alerts_cover_what_operators_must_know() -> None:
    exprs = " ".join(rule["expr"] for rule in _rules())
    missing = [topic for topic, needle in REQUIRED_TOPICS.items() if needle not in exprs]
    assert not missing, f"no alert on: {missing}"


def test_rules_and_dashboard_use_metrics_the_code_exports() -> None:
    defined = _defined_metrics()
    used = set().union(*(_used_metrics(r["expr"]) for r in _rules()), *map(_used_metrics, _dashboard_exprs()))
    unknown = used - defined - ASSUMED_METRICS
    assert not unknown, f"metrics no service exports: {sorted(unknown)}"


def test_dashboard_structure() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    assert [v["name"] for v in dashboard["templating"]["list"]] == ["datasource"]
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels), "panel ids must be unique"
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24 and grid["h"] > 0, f"{panel['title']}: outside the grid"
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"] and t["refId"] for t in panel["targets"]), panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}", f"{panel['title']}: hard-coded datasource"
    titles = " ".join(p["title"] for p in panels)
    assert all(topic in titles for topic in DASHBOARD_TOPICS), f"dashboard lacks one of {DASHBOARD_TOPICS}"


@pytest.mark.parametrize("needle", [
    "kubectl apply -k deploy/kubernetes/overlays/production", "RELAIS_ACTIVE_DATA_KEY", "RELAIS_DATA_KEYS",
    "relais routing import-competence --dry-run", "relais dlq list", "relais dlq replay", "relais purge",
    "kubectl cnpg", "recovery", "minReplicaCount",
])
def test_operations_guide_covers_the_procedures(needle: str) -> None:
    assert needle in GUIDE.read_text(encoding="utf-8"), f"docs/operations.md does not mention {needle!r}"
