"""`./dev bench`: run every benchmark on this machine in one go and write bench/results/REPORT.md.

Each benchmark measures Relais against a plain baseline in the same run; ratios and percentiles are what
carry from one machine to another, not the absolute figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import io
import os
import platform
import sys
from datetime import UTC, datetime

from bench import plots
from bench.common import RESULTS, sweep_bench_queues

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
    return None, out.getvalue()


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
    os.makedirs(RESULTS, exist_ok=True)
    if not plots.available():
        print("figures skipped: matplotlib (in the dev group) is not installed; run uv sync",
              file=sys.stderr)
    lines = [f"# Relais benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
             f"\n{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores.\n"]
    for title, module_name in BENCHMARKS:
        if selected and not any(s in module_name for s in selected):
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        print(f"running {module_name} …", file=sys.stderr)
        try:
            results, report = run_one(module_name)
            lines += [f"## {title}\n", report.strip(), "", plot(module_name, title, results, report), ""]
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            lines += [f"## {title}\n", f"failed: {type(exc).__name__}: {exc}", ""]
        finally:
            asyncio.run(sweep_bench_queues())
    path = os.path.join(RESULTS, "REPORT.md")
    with open(path, "w", encoding="utf-8") as report:
        report.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
