"""The services' manifests: one per service, what they declare is what the code does, and what they refuse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from relais_cli.services import SERVICES
from relais_shared.broker_grants import GRANTS
from relais_shared.manifest import ServiceManifest
from relais_shared.retention import SHARED_RULES
from relais_shared.serve import main

ROOT = Path(__file__).resolve().parents[2]


def test_every_service_has_its_manifest_in_start_order() -> None:
    on_disk = {path.name for path in (ROOT / "services").iterdir() if (path / "pyproject.toml").is_file()}
    assert set(SERVICES) == on_disk
    assert list(SERVICES)[0] == "routing", "routing starts first: intake and escalation call it"
    for name, manifest in SERVICES.items():
        assert manifest.name == name == manifest.settings.service_name
        assert manifest.package == f"relais_{name}" and manifest.app_factory.startswith(f"relais_{name}.app:")
    ports = [m.default_port for m in SERVICES.values()]
    assert len(set(ports)) == len(ports), f"two services share a port: {ports}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_declared_consumers_are_the_broker_users_grants(service: str) -> None:
    declared = {name: set(types) for name, types in SERVICES[service].consumers.items()}
    assert declared == {name: set(types) for name, types in GRANTS[service].consumers.items()}


def _spawned_task_names(service: str) -> set[str]:
    """Names given to `….spawn(…, name="…")` anywhere in the service's code."""
    names = set()
    for path in (ROOT / "services" / service / f"relais_{service}").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "spawn":
                names |= {k.value.value for k in node.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)}
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_the_declared_background_tasks_are_those_the_app_spawns(service: str) -> None:
    assert set(SERVICES[service].background_tasks) == _spawned_task_names(service)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_declares_its_retention(service: str) -> None:
    manifest = SERVICES[service]
    rules = manifest.retention_rules(manifest.settings(env="test"))
    own = rules[len(SHARED_RULES):]
    assert rules[:len(SHARED_RULES)] == SHARED_RULES and own, f"{service} declares no rule of its own"
    names = [rule.name for rule in rules]
    assert len(set(names)) == len(names), f"{service}: two rules share a name (purge_log would mix them)"
    assert all("$1" in rule.sql and rule.days >= 1 for rule in own)


def test_the_app_factory_binds_exactly_the_declared_consumers() -> None:
    manifest = SERVICES["routing"]

    async def handler(*_args, **_kwargs) -> None:
        return None

    specs = manifest.consumer_specs({"routing.reports": {"report.received": handler, "report.erased": handler}})
    assert [(s.name, set(s.handlers)) for s in specs] == [("routing.reports", {"report.received", "report.erased"})]
    for wrong in ({"routing.reports": {"report.received": handler}},  # a declared event left without a handler
                  {"routing.reports": {"report.received": handler, "report.erased": handler,
                                       "report.routed": handler}},  # one the manifest does not declare
                  {"routing.reports": {"report.received": handler, "report.erased": handler},
                   "routing.other": {"report.erased": handler}}):  # a consumer the manifest does not declare
        with pytest.raises(ValueError, match="not the manifest's consumers"):
            manifest.consumer_specs(wrong)


def test_a_manifest_refuses_another_services_settings_or_queues() -> None:
    from relais_chat.settings import ChatSettings

    with pytest.raises(ValueError, match="settings class"):
        ServiceManifest("routing", ChatSettings, "relais_chat.app:create_app", retention=lambda _s: ())
    with pytest.raises(ValueError, match="outside its own names"):
        ServiceManifest("chat", ChatSettings, "relais_chat.app:create_app", retention=lambda _s: (),
                        consumers={"intake.reports": ("report.received",)})


def test_a_service_module_knows_two_commands(capsys) -> None:
    assert main(SERVICES["stats"], ["rebuild"]) == 2
    assert "usage: python -m relais_stats [run | migrate]" in capsys.readouterr().err


def test_the_command_groups_are_the_manifests() -> None:
    from relais_cli.main import cli

    with_group = {name for name, manifest in SERVICES.items() if manifest.cli_group}
    assert with_group == {"routing", "intake", "followup", "stats"}
    assert all(cli.commands[name] is SERVICES[name].command_group() for name in with_group)
