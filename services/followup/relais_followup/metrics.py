"""Follow-up metrics: the list's state (gauges set by the scheduler) and what the cells do (counters)."""

from prometheus_client import Counter, Gauge

ENTRIES_DUE = Gauge("relais_followup_entries_due", "Open entries whose window has opened", ["department"])
ENTRIES_OVERDUE = Gauge("relais_followup_entries_overdue", "Open entries past their window's end", ["department"])
ENTRIES_CREATED = Counter("relais_followup_entries_created_total", "Entries put on a list", ["source"])
OVERDUE_EMITTED = Counter("relais_followup_overdue_total", "Entries that went past their window without contact")
CLAIMS = Counter("relais_followup_claims_total", "Entries claimed by an agent")
LEASES_EXPIRED = Counter("relais_followup_leases_expired_total", "Claims taken over after their lease expired")
ATTEMPTS = Counter("relais_followup_attempts_total", "Call attempts recorded", ["outcome"])
EMERGENCIES = Counter("relais_followup_emergencies_total", "emergency.raised emitted", ["kind"])
CLOSED = Counter("relais_followup_entries_closed_total", "Entries closed", ["outcome"])
