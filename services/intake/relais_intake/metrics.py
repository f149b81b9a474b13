"""Intake's own metrics (the shared ones, HTTP and outbox, come from relais_shared.metrics)."""

from prometheus_client import Counter, Gauge

RECEIPT_LOOKUPS_FAILED = Counter("relais_intake_receipt_lookups_failed_total",
                                 "Receipt codes presented that matched no report (any page or API)")
RECEIPT_FAILURES_BUDGET = Gauge("relais_intake_receipt_lookup_failures_budget",
                                "Failed receipt look-ups per hour, all replicas together, before an alert")
RECEIPT_HASHES_WAITING = Gauge("relais_intake_receipt_hashes_waiting",
                               "Receipts waiting for a hashing slot (the memory budget is in use)")
