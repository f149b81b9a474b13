"""`./dev bench`: run every benchmark on this machine in one go and write bench/results/REPORT.md.

Each benchmark measures Relais against a plain baseline in the same run; ratios and percentiles are what
carry from one machine to another, not the absolute figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import os
import platform
import re
import sys
from datetime import UTC, datetime

from bench import plots
from bench.common import RESULTS, sweep_bench_queues

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")

# (title, module); a module has `main()` printing Markdown, or `run()` (async) and `report(results)`.
BENCHMARKS = [
    ("Routing: jurisdiction lookups", "bench.routing_lookup"),
    ("Intake: accepted reports against a bare FastAPI + asyncpg INSERT", "bench.intake_throughput"),
    ("Outbox relay against a bare aio-pika confirmed publisher", "bench.outbox_relay"),
    ("Chat: victim → officer latency across two nodes", "bench.chat_latency"),
    ("Escalation: danger-now report → dispatch console", "bench.escalation_latency"),
    ("Follow-up: claim-next on a 100,000-entry list", "bench.followup_claims"),
    ("A realistic day of reports (campaign wave, night-time danger peaks), compressed", "bench.load_day"),
    ("Scale-out: one and two replicas of each service", "bench.scale_out"),
]


def run_one(module_name: str) -> tuple[object, str]:
    """(structured results or None, Markdown report) of one benchmark."""
    module = importlib.import_module(module_name)
    if hasattr(module, "run") and hasattr(module, "report"):
        results = asyncio.run(module.run())
        return results, module.report(results)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), _argv(module_name):
        module.main()
    # Service log lines (structlog writes to stdout) are not part of the report.
    return None, "\n".join(line for line in out.getvalue().splitlines() if not LOG_LINE.match(line))


@contextlib.contextmanager
def _argv(module_name: str):
    """A benchmark with its own argparse must not see the runner's arguments."""
    saved, sys.argv = sys.argv, [module_name]
    try:
        yield
    finally:
        sys.argv = saved


def plot(module_name: str, title: str, results, report: str) -> str:
    """The Markdown line that shows the benchmark's figure, or says why there is none."""
    if not plots.available():
        return ""
    try:
        path = plots.figure(module_name, title, results, report)
    except Exception as exc:  # noqa: BLE001 - a figure that fails must not lose the numbers
        return f"(figure failed: {type(exc).__name__}: {exc})"
    return f"![{title}]({os.path.basename(path)})" if path else ""


def main(selected: list[str]) -> None:
    """Run the selected benchmarks (all by default); REPORT.md keeps every benchmark's latest section."""
    os.makedirs(RESULTS, exist_ok=True)
    if not plots.available():
        print("figures skipped: matplotlib (in the dev group) is not installed; run uv sync",
              file=sys.stderr)
    machine = f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    for title, module_name in BENCHMARKS:
        if selected and not any(s in module_name for s in selected):
            continue
        print(f"running {module_name} …", file=sys.stderr)
        try:
            results, report = run_one(module_name)
            body = [report.strip(), "", plot(module_name, title, results, report)]
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            body = [f"failed: {type(exc).__name__}: {exc}"]
        finally:
            asyncio.run(sweep_bench_queues())
        stamp = f"_{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}._\n"
        with open(_section_path(module_name), "w", encoding="utf-8") as section:
            section.write("\n".join([f"## {title}\n", stamp, *body, ""]))
    path = os.path.join(RESULTS, "REPORT.md")
    with open(path, "w", encoding="utf-8") as report:
        report.write(assembled_report())
    print(f"written to {path}", file=sys.stderr)


def _section_path(module_name: str) -> str:
    return os.path.join(RESULTS, module_name.rsplit(".", 1)[1] + ".md")


def assembled_report() -> str:
    """Every benchmark's latest section, in the usual order; each says when and where it was measured."""
    parts = ["# Relais benchmarks\n", "Run them all with `./dev bench`, or some with `./dev bench chat escalation`. "
             "Ratios and percentiles measured in the same run carry from one machine to another; absolute "
             "figures do not.\n"]
    for _title, module_name in BENCHMARKS:
        if os.path.exists(_section_path(module_name)):
            with open(_section_path(module_name), encoding="utf-8") as section:
                parts.append(section.read())
    return "\n".join(parts)


if __name__ == "__main__":
    main(sys.argv[1:])
