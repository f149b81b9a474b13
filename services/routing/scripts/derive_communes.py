"""Derive the routing service's commune and department files from @etalab/decoupage-administratif."""

import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from derive_centres import department_centres, of_names
from derive_facts import check_facts

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
# SHA-256 of the tarball npm served on 2026-11-23; a different tarball means different data, so stop.
TARBALL_SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
DATA_DIR = Path(__file__).resolve().parents[1] / "relais_routing" / "data"
KEPT_TYPES = ("commune-actuelle", "arrondissement-municipal")


def fetch_package_data() -> tuple[list[dict], list[dict]]:
    """Download the pinned package with npm pack and read its communes and departments."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("*.tgz")
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != TARBALL_SHA256:
            sys.exit(f"unexpected tarball {tarball.name}: sha256 {digest}")
        # Members are read in memory, never extracted, so no path in the archive can escape tmp.
        with tarfile.open(tarball, "r:gz") as archive:
            communes = json.load(archive.extractfile("package/data/communes.json"))
            departments = json.load(archive.extractfile("package/data/departements.json"))
    return communes, departments


def select_communes(records: list[dict]) -> list[dict]:
    """Keep current communes and municipal arrondissements; replace Paris, Lyon, Marseille by the latter."""
    kept = [r for r in records if r["type"] in KEPT_TYPES]
    # The official competence file has one row per arrondissement, never one for the parent commune.
    parents = {r["commune"] for r in kept if r["type"] == "arrondissement-municipal"}
    return sorted((r for r in kept if r["code"] not in parents), key=lambda r: r["code"])


def communes_tsv(communes: list[dict]) -> bytes:
    """Render the compact tab-separated table, one row per commune, sorted by INSEE code."""
    lines = ["insee\tname\tdepartment\tpostal_codes"]
    for r in communes:
        fields = (r["code"], r["nom"], r["departement"], "-".join(sorted(r.get("codesPostaux", []))))
        if any(ch in f for f in fields for ch in "\t\r\n"):
            sys.exit(f"commune {r['code']} has a tab or newline in a field")
        lines.append("\t".join(fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def departments_json(departments: list[dict]) -> bytes:
    """Merge the package's department names with an operational centre per force."""
    of_by_code = of_names(departments)
    merged = {
        d["code"]: {"name": d["nom"], "region": d["region"], "centres": department_centres(d, of_by_code)}
        for d in sorted(departments, key=lambda d: d["code"])
    }
    return (json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def main() -> None:
    """Fetch, derive, write both files and print the counts checked against data/README.md."""
    records, departments = fetch_package_data()
    communes = select_communes(records)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # mtime=0 and sorted rows: the committed file only changes when the data does.
    (DATA_DIR / "communes.tsv.gz").write_bytes(gzip.compress(communes_tsv(communes), 9, mtime=0))
    (DATA_DIR / "departments.json").write_bytes(departments_json(departments))
    if not check_facts(records, communes, departments):
        sys.exit("the derived data does not match the documented facts")


if __name__ == "__main__":
    main()
