"""What docker compose would give a container, computed without Docker: the .env file, `${…}` interpolation,
anchors and merge keys, and the image's own ENV (its Dockerfile read with the service's build arguments).

Only the subset of Compose's rules docker-compose.yml and make-env.py use is modelled, and anything else is
refused rather than guessed: a .env line that is not NAME=value, a `$` that starts nothing Compose knows.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unset(LookupError):
    """A `${VAR:?message}` whose variable is missing: Compose stops with the message."""


def read_dotenv(path: Path) -> dict[str, str]:
    """A .env file as Compose reads it: NAME=value, NAME='literal', NAME="escaped", comments and blank lines."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and NAME.fullmatch(name), f"{path.name}:{number}: not NAME=value: {raw!r}"
        if value[:1] == "'":
            assert value.endswith("'") and len(value) >= 2, f"{path.name}:{number}: unterminated quote"
            values[name] = value[1:-1]  # literal: no expansion, no escapes
        elif value[:1] == '"':
            assert value.endswith('"') and len(value) >= 2, f"{path.name}:{number}: unterminated quote"
            values[name] = interpolate(value[1:-1].replace('\\"', '"').replace("\\n", "\n"), values)
        else:
            values[name] = interpolate(value.split(" #", 1)[0].strip(), values)
    return values


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},
    ${VAR:+replacement}, ${VAR+replacement}; defaults may hold further substitutions."""
    out, i = [], 0
    while i < len(text):
        if text[i] != "$":
            out.append(text[i])
            i += 1
            continue
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if text.startswith("${", i):
            end = _closing_brace(text, i + 2)
            out.append(_substitute(text[i + 2:end], variables))
            i = end + 1
            continue
        match = NAME.match(text, i + 1)
        assert match, f"a lone $ in {text!r}: Compose would refuse it (write $$)"
        out.append(variables.get(match.group(), ""))
        i = match.end()
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth, i = 1, start
    while i < len(text):
        if text.startswith("${", i):
            depth, i = depth + 1, i + 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise AssertionError(f"unterminated ${{ in {text!r}")


def _substitute(expression: str, variables: dict[str, str]) -> str:
    match = NAME.match(expression)
    assert match, f"not a variable: ${{{expression}}}"
    name, rest = match.group(), expression[match.end():]
    value = variables.get(name)
    if not rest:
        return value or ""
    operator = rest[:2] if rest[:1] == ":" else rest[:1]
    argument = rest[len(operator):]
    missing = not value if operator.startswith(":") else value is None
    if operator in (":-", "-"):
        return interpolate(argument, variables) if missing else value
    if operator in (":?", "?"):
        if missing:
            raise Unset(f"{name}: {argument}")
        return value
    if operator in (":+", "+"):
        return "" if missing else interpolate(argument, variables)
    raise AssertionError(f"unknown substitution ${{{expression}}}")


def load_compose() -> dict:
    """docker-compose.yml with its anchors and `<<` merge keys resolved (safe_load does both)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped and `\\` continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, f"{path}: dangling line continuation at the end of the file"
    return instructions


def built_instructions(path: Path, build_args: dict[str, str]) -> list[tuple[str, str]]:
    """The instructions as Docker builds them with these build arguments: a stage sees an argument from its own
    `ARG` on (or the ARG's default), and `${NAME}` is replaced there; a command run by the container (CMD,
    ENTRYPOINT, HEALTHCHECK) keeps its `${…}`, which are the container's variables."""
    declared: dict[str, str] = {}
    built = []
    for keyword, args in dockerfile_instructions(path):
        if keyword == "FROM":
            declared = {}
        elif keyword == "ARG":
            name, _, default = args.partition("=")
            declared[name] = build_args.get(name, default)
        elif keyword not in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            args = re.sub(r"\$\{(\w+)\}", lambda m, seen=declared: seen.get(m.group(1), m.group(0)), args)
        built.append((keyword, args))
    return built


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def image_env(dockerfile: Path, build_args: dict[str, str] | None = None) -> dict[str, str]:
    """The ENV of the Dockerfile's last stage (literal values; `$PATH`-style references are left out)."""
    env: dict[str, str] = {}
    for keyword, args in final_stage(built_instructions(dockerfile, build_args or {})):
        if keyword == "ENV":
            for word in shlex.split(args):
                name, _, value = word.partition("=")
                if "$" not in value:
                    env[name] = value
    return env


def compose_build_args(spec: dict) -> dict[str, str]:
    """A compose service's build arguments (`args:` as a mapping)."""
    args = (spec.get("build") or {}).get("args") or {}
    assert isinstance(args, dict), "build args must be a mapping"
    return {name: str(value) for name, value in args.items()}


def container_env(compose: dict, service: str, variables: dict[str, str]) -> dict[str, str]:
    """The environment the service's container starts with: its image's ENV, then compose's, interpolated."""
    spec = compose["services"][service]
    build = spec.get("build") or {}
    dockerfile = ROOT / build.get("context", ".") / build["dockerfile"] if build.get("dockerfile") else None
    env = image_env(dockerfile, compose_build_args(spec)) if dockerfile else {}
    declared = spec.get("environment") or {}
    assert isinstance(declared, dict), f"{service}: environment must be a mapping"
    for name, value in declared.items():
        env[name] = interpolate("" if value is None else str(value), variables)
    return env


def required_variables() -> set[str]:
    """Every variable the compose file cannot start without (${VAR:?…} or ${VAR?…})."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", COMPOSE_FILE.read_text(encoding="utf-8")))
