"""The development provider's demo operators, and the SQLite table LemonLDAP::NG reads them from."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

# One shared password for every demo account: these accounts exist only on a developer's machine or in tests.
DEMO_PASSWORD = "relais-demo"  # noqa: S105

# The only roles Relais knows; the provider releases them in the `groups` claim.
RELAIS_ROLES = ("chat_operator", "triage_operator", "dispatcher", "followup", "supervisor", "auditor", "admin")

# LemonLDAP::NG keeps a multi-valued attribute as one string joined by this separator (its
# `multiValuesSeparator`) and splits it back into a JSON array when it builds a claim.
MULTI_VALUE_SEPARATOR = ";"


@dataclass(frozen=True)
class DemoOperator:
    login: str  # the OIDC `sub`
    alias: str  # the only name a victim ever sees
    force: str  # "PN" (police nationale) or "GN" (gendarmerie nationale)
    departments: tuple[str, ...]
    roles: tuple[str, ...]
    unit: str | None = None
    orange: bool = False  # cleared for "orange" (high danger) cases
    password: str = DEMO_PASSWORD


DEMO_OPERATORS: tuple[DemoOperator, ...] = (
    DemoOperator("agent.pn35", "Agent Camille", "PN", ("35",), ("chat_operator",), "Commissariat de Rennes",
                 orange=True),
    DemoOperator("agent.pn35.bleu", "Agent Louis", "PN", ("35",), ("chat_operator",), "Commissariat de Rennes"),
    DemoOperator("corg.gn91", "CORG Essonne", "GN", ("91", "78"), ("dispatcher",), "CORG de l'Essonne",
                 orange=True),
    DemoOperator("cellule.gn35", "Cellule Ille-et-Vilaine", "GN", ("35",), ("followup",),
                 "Maison de protection des familles 35", orange=True),
    DemoOperator("brigade.liffre", "BTA Liffré", "GN", ("35",), ("chat_operator",), "BTA Liffré"),
    # National accounts cover every department: "*" is Relais' national scope.
    DemoOperator("triage.national", "Triage national", "PN", ("*",), ("triage_operator",), "Plateforme nationale",
                 orange=True),
    DemoOperator("superviseur", "Superviseur national", "PN", ("*",), ("supervisor",), "Plateforme nationale",
                 orange=True),
    DemoOperator("auditeur", "Auditeur", "GN", ("*",), ("auditor",), "Inspection générale"),
    DemoOperator("sans.role", "Sans rôle", "PN", ("35",), ()),
)


def operator(login: str) -> DemoOperator:
    return next(op for op in DEMO_OPERATORS if op.login == login)


def write_users_database(path: Path, operators=DEMO_OPERATORS) -> None:
    """(Re)create the table LemonLDAP::NG's DBI backend checks passwords against and reads attributes from.

    Passwords are stored in clear: LLNG's DBI backend hashes only with SQL functions SQLite does not have, and
    these are published demo passwords anyway.
    """
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (login TEXT PRIMARY KEY, password TEXT NOT NULL, alias TEXT NOT NULL,"
                   " force TEXT NOT NULL, departments TEXT, unit TEXT, roles TEXT, orange TEXT NOT NULL)")
        db.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (op.login, op.password, op.alias, op.force, MULTI_VALUE_SEPARATOR.join(op.departments), op.unit,
             MULTI_VALUE_SEPARATOR.join(op.roles), "1" if op.orange else "0")
            for op in operators
        ])
    db.close()
