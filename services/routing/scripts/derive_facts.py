"""Counts of the derived commune table, checked against the facts documented in shared data/README.md."""

from collections import defaultdict

# Measured on version 6.0.0. "communes with several postal codes" is 387 when counted, as the README
# does, over INSEE's current communes (Paris, Lyon, Marseille whole); over our rows it is 385.
EXPECTED = {
    "current communes (INSEE commune-actuelle)": 34969,
    "municipal arrondissements": 45,
    "rows written (Paris, Lyon, Marseille by arrondissement)": 35011,
    "rows without any postal code": 5,
    "distinct postal codes": 6310,
    "(postal code, commune) pairs": 35493,
    "postal codes covering several communes": 4205,
    "communes of 51300 (the largest code)": 46,
    "current communes with several postal codes": 387,
    "rows with several postal codes": 385,
    "postal codes spanning two departments": 16,
    "departments and collectivities": 109,
}
# postal code -> the only INSEE code it must cover; None means the code must be absent.
EXPECTED_CODES = {"97133": "97701", "97150": "97801", "98799": "98901", "98000": None}


def measure(records: list[dict], rows: list[dict], departments: list[dict]) -> dict[str, int]:
    """Count what EXPECTED documents, over the raw records and the derived rows."""
    by_code: dict[str, set[str]] = defaultdict(set)
    departments_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for code in row.get("codesPostaux", []):
            by_code[code].add(row["code"])
            departments_of[code].add(row["departement"])
    current = [r for r in records if r["type"] == "commune-actuelle"]
    return {
        "current communes (INSEE commune-actuelle)": len(current),
        "municipal arrondissements": sum(r["type"] == "arrondissement-municipal" for r in records),
        "rows written (Paris, Lyon, Marseille by arrondissement)": len(rows),
        "rows without any postal code": sum(not r.get("codesPostaux") for r in rows),
        "distinct postal codes": len(by_code),
        "(postal code, commune) pairs": sum(len(v) for v in by_code.values()),
        "postal codes covering several communes": sum(len(v) > 1 for v in by_code.values()),
        "communes of 51300 (the largest code)": len(by_code["51300"]),
        "current communes with several postal codes": sum(len(r.get("codesPostaux", [])) > 1 for r in current),
        "rows with several postal codes": sum(len(r.get("codesPostaux", [])) > 1 for r in rows),
        "postal codes spanning two departments": sum(len(v) == 2 for v in departments_of.values()),
        "departments and collectivities": len(departments),
    }, by_code


def check_facts(records: list[dict], rows: list[dict], departments: list[dict]) -> bool:
    """Print every count beside its expected value; return True when all match."""
    counts, by_code = measure(records, rows, departments)
    ok = True
    print("| fact | measured | expected |\n|---|---:|---:|")
    for fact, expected in EXPECTED.items():
        ok &= counts[fact] == expected
        print(f"| {fact} | {counts[fact]:,} | {expected:,}{'' if counts[fact] == expected else ' MISMATCH'} |")
    names = {r["code"]: r["nom"] for r in rows}
    for code, insee in EXPECTED_CODES.items():
        found = sorted(by_code.get(code, ()))
        ok &= found == ([insee] if insee else [])
        shown = ", ".join(f"{i} {names[i]}" for i in found) or "absent"
        print(f"| postal code {code} | {shown} | {insee or 'absent'} |")
    return ok
