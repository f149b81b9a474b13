"""A realistic day of reports against intake's POST /v1/reports, compressed in time.

    uv run python -m bench.load_day [--url http://127.0.0.1:8001] [--compression 1440] [--reports-per-day 2400]

A day has few reports at dawn, more at lunchtime and most in the evening; a media campaign (a prime-time
spot) sends a wave that fades over a couple of hours; "in danger now" reports peak at night, when aggressors
are home. With --compression 1440 a day runs in a minute. Without --url it starts routing, intake and
escalation itself on throwaway databases. The fault tests use `steady_schedule` and `drive` as their load.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

# Share of a day's reports by hour (0–23): the national portal's pattern of evening and night-time reports.
HOURLY_WEIGHT = (3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 3.5, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6, 6.5, 7, 7, 6, 4.5)
POSTAL_CODES = ("35690", "35000", "75011", "75015", "72000", "91300", "97400", "13001", "69001")  # last two: triage
CATEGORIES = ("domestic_violence", "domestic_violence", "intra_family_violence", "rape", "sexual_assault",
              "sexual_harassment", "sexist_harassment", "cyber_harassment", "other")
TEXT = "Il me menace depuis des semaines et ce soir il a cassé la porte. Je suis chez moi avec les enfants."


@dataclass(frozen=True)
class DayProfile:
    """How many reports a day brings, when, and how many say "in danger now"."""

    reports_per_day: float = 400
    campaign_hour: float | None = 20.75  # a spot after the evening news
    campaign_boost: float = 3.0  # the rate right after the spot, as a multiple of the usual one
    campaign_decay_hours: float = 1.5
    night_danger_share: float = 0.22  # 22:00–05:00
    day_danger_share: float = 0.05

    def rate_per_hour(self, hour: float) -> float:
        """Reports per (uncompressed) hour at `hour` of the day, campaign wave included."""
        base = self.reports_per_day * HOURLY_WEIGHT[int(hour) % 24] / sum(HOURLY_WEIGHT)
        if self.campaign_hour is None or hour < self.campaign_hour:
            return base
        return base * (1 + self.campaign_boost * math.exp(-(hour - self.campaign_hour) / self.campaign_decay_hours))

    def danger_share(self, hour: float) -> float:
        return self.night_danger_share if hour >= 22 or hour < 5 else self.day_danger_share

    def peak_rate_per_hour(self) -> float:
        return max(self.rate_per_hour(h / 4) for h in range(96))


@dataclass(frozen=True)
class Arrival:
    at: float  # seconds after the start of the run
    hour: float  # hour of the modelled day
    danger_now: bool


def day_schedule(profile: DayProfile, compression: float, seed: int = 1) -> list[Arrival]:
    """Arrivals of one day as a non-homogeneous Poisson process (thinning), `compression` times faster."""
    rng, peak = random.Random(seed), profile.peak_rate_per_hour()
    arrivals, hour = [], 0.0
    while True:
        hour += rng.expovariate(peak)
        if hour >= 24:
            return arrivals
        if rng.random() < profile.rate_per_hour(hour) / peak:
            arrivals.append(Arrival(hour * 3600 / compression, hour, rng.random() < profile.danger_share(hour)))


def steady_schedule(per_second: float, danger_share: float, seconds: float, seed: int = 1) -> list[Arrival]:
    """A flat Poisson load: what the fault tests run while they break things."""
    rng, arrivals, at = random.Random(seed), [], 0.0
    while (at := at + rng.expovariate(per_second)) < seconds:
        arrivals.append(Arrival(at, 12.0, rng.random() < danger_share))
    return arrivals


def report_body(rng: random.Random, danger_now: bool) -> dict:
    return {"role": rng.choice(("victim", "victim", "witness")), "category": rng.choice(CATEGORIES),
            "postal_code": rng.choice(POSTAL_CODES), "occurred": "ongoing" if danger_now else "this_week",
            "text": TEXT if rng.random() < 0.7 else "", "danger_now": danger_now}


@dataclass
class Ledger:
    """What the clients were told: only a 201 means "accepted"."""

    accepted: dict[str, bool] = field(default_factory=dict)  # report id → danger_now
    statuses: Counter = field(default_factory=Counter)  # 201, 503, … or the exception's name
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (hour of the day, ms) of 201s

    @property
    def emergencies(self) -> set[str]:
        return {report_id for report_id, danger in self.accepted.items() if danger}


async def drive(url: str, arrivals: list[Arrival], *, stop: asyncio.Event | None = None, max_in_flight: int = 64,
                timeout: float = 10, seed: int = 1) -> Ledger:
    """Open loop: send each report at its time (whatever the answers) until the end or `stop`."""
    ledger, rng, tasks = Ledger(), random.Random(seed), set()
    gate = asyncio.Semaphore(max_in_flight)
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        async def send(arrival: Arrival) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/reports", json=report_body(rng, arrival.danger_now))
                except httpx.HTTPError as exc:
                    ledger.statuses[type(exc).__name__] += 1
                    return
                ledger.statuses[response.status_code] += 1
                if response.status_code == 201:
                    ledger.accepted[response.json()["id"]] = arrival.danger_now
                    ledger.latencies.append((arrival.hour, (time.perf_counter() - started) * 1000))

        start = time.monotonic()
        for arrival in arrivals:
            if stop is not None and stop.is_set():
                break
            await asyncio.sleep(max(0.0, start + arrival.at - time.monotonic()))
            task = asyncio.create_task(send(arrival))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
    return ledger


def hourly_table(ledger: Ledger, arrivals: list[Arrival]) -> str:
    """Per hour of the modelled day: sent, danger share, accepted, p50/p99 latency."""
    from bench.common import percentile

    lines = ["| hour | sent | in danger now | accepted p50 | p99 |", "|---:|---:|---:|---:|---:|"]
    for hour in range(24):
        sent = [a for a in arrivals if int(a.hour) == hour]
        lat = [ms for h, ms in ledger.latencies if int(h) == hour]
        danger = sum(a.danger_now for a in sent)
        lines.append(f"| {hour:02d}h | {len(sent)} | {danger} | {percentile(lat, 50):.0f} ms | "
                     f"{percentile(lat, 99):.0f} ms |")
    return "\n".join(lines)


async def run(compression: float = 1440, reports_per_day: float = 400, url: str | None = None) -> dict:
    """One compressed day against `url`, or against a platform this run starts and stops."""
    arrivals = day_schedule(DayProfile(reports_per_day=reports_per_day), compression)
    if url is not None:
        return {"arrivals": arrivals, "ledger": await drive(url, arrivals)}
    from bench.scale_out import relais_up

    with relais_up(("routing", "intake", "escalation")) as platform:
        return {"arrivals": arrivals, "ledger": await drive(platform.url("intake"), arrivals)}


def report(results: dict) -> str:
    ledger, arrivals = results["ledger"], results["arrivals"]
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(ledger.statuses.items(), key=str))
    return (f"{len(arrivals)} reports sent over a compressed day ({len(ledger.emergencies)} in danger now); "
            f"answers: {statuses}.\n\n{hourly_table(ledger, arrivals)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="intake's base URL (default: start a platform on throwaway databases)")
    parser.add_argument("--compression", type=float, default=1440, help="1440: a day in one minute")
    parser.add_argument("--reports-per-day", type=float, default=400)
    args = parser.parse_args()
    print(report(asyncio.run(run(args.compression, args.reports_per_day, args.url))))


if __name__ == "__main__":
    main()
