"""One PNG per benchmark in bench/results/, drawn with matplotlib when it is installed (skipped otherwise).

Benchmarks that return structured results get a figure made for them (latency distributions, a day's load);
any other gets a bar chart of the first numeric column of the first Markdown table of its report.
"""

from __future__ import annotations

import os
import re

from bench.common import RESULTS

NUMBER = re.compile(r"-?[\d,]*\.?\d+")


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _save(fig, name: str) -> str:
    path = os.path.join(RESULTS, f"{name}.png")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return path


def table_rows(markdown: str) -> list[tuple[str, float]]:
    """(label, first number) of each row of the first Markdown table; header and rule rows skipped."""
    rows, seen_rule = [], False
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.strip().startswith("|") else []
        if not cells:
            if seen_rule:
                break
            continue
        if set("".join(cells)) <= set("-: "):
            seen_rule = True
            continue
        numbers = [NUMBER.search(c) for c in cells[1:]]
        value = next((float(m.group().replace(",", "")) for m in numbers if m), None)
        if seen_rule and value is not None:
            rows.append((cells[0][:60], value))
    return rows


def bar_chart(name: str, title: str, rows: list[tuple[str, float]]) -> str | None:
    if not rows:
        return None
    fig, ax = _pyplot().subplots(figsize=(8, 0.5 + 0.45 * len(rows)))
    ax.barh([label for label, _ in rows][::-1], [value for _, value in rows][::-1], color="#3465a4")
    ax.set_title(title, fontsize=10)
    return _save(fig, name)


def latency_cdf(name: str, title: str, series: dict[str, list[float]]) -> str:
    fig, ax = _pyplot().subplots(figsize=(8, 4))
    for label, values in series.items():
        ordered = sorted(values)
        ax.plot(ordered, [(i + 1) / len(ordered) for i in range(len(ordered))], label=label)
    ax.set(xlabel="latency (ms)", ylabel="share of requests", title=title, xscale="log")
    ax.legend()
    return _save(fig, name)


def day_profile(name: str, title: str, results: dict) -> str:
    """Reports sent and p50 latency per hour of the compressed day."""
    from bench.common import percentile

    arrivals, ledger = results["arrivals"], results["ledger"]
    hours = list(range(24))
    fig, sent_axis = _pyplot().subplots(figsize=(9, 4))
    sent_axis.bar(hours, [sum(int(a.hour) == h for a in arrivals) for h in hours], color="#9fc3e7", label="sent")
    sent_axis.bar(hours, [sum(int(a.hour) == h and a.danger_now for a in arrivals) for h in hours],
                  color="#cc0000", label="in danger now")
    sent_axis.set(xlabel="hour of the modelled day", ylabel="reports", title=title)
    latency_axis = sent_axis.twinx()
    latency_axis.plot(hours, [percentile([ms for hh, ms in ledger.latencies if int(hh) == h], 50) for h in hours],
                      color="black", marker=".", label="p50 latency (ms)")
    latency_axis.set_ylabel("p50 latency (ms)")
    sent_axis.legend(loc="upper left")
    return _save(fig, name)


def figure(module_name: str, title: str, results, report: str) -> str | None:
    """Write the benchmark's PNG; returns its path, or None when there is nothing to draw."""
    name = module_name.rsplit(".", 1)[-1]
    if module_name == "bench.intake_throughput":
        return latency_cdf(name, title, {r.label: r.latencies_ms for r in results[:2]})
    if module_name == "bench.load_day":
        return day_profile(name, title, results)
    return bar_chart(name, title, table_rows(report))
