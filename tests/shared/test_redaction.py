import json
import logging

import structlog

from relais_shared.observability import bind_correlation_id, configure_logging
from relais_shared.redaction import REDACTED, scrub


def test_sensitive_keys_are_redacted_whatever_their_value():
    assert scrub({"text": "il me menace", "phone": "x", "ok": 3}) == {"text": REDACTED, "phone": REDACTED, "ok": 3}


def test_patterns_are_masked_inside_other_strings():
    line = "call 06 12 34 56 78 or +33 6 12 34 56 78, from 192.168.1.20 / 2001:db8::1 mail a.b@example.org"
    masked = scrub(line)
    for canary in ("06 12 34 56 78", "+33 6 12", "192.168.1.20", "2001:db8::1", "a.b@example.org"):
        assert canary not in masked


def test_nested_structures_are_scrubbed():
    assert scrub({"outer": [{"name": "Claire"}, "0612345678"]}) == {"outer": [{"name": REDACTED}, REDACTED]}


def test_log_lines_from_structlog_and_stdlib_are_json_and_redacted(capsys):
    configure_logging("test", "INFO")
    bind_correlation_id("corr-1")
    structlog.get_logger("t").info("report.note", text="elle a peur", caller="06 11 22 33 44")
    logging.getLogger("uvicorn.error").warning("client 10.1.2.3 connected")
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert lines[0]["text"] == REDACTED and lines[0]["caller"] == REDACTED and lines[0]["correlation_id"] == "corr-1"
    assert "10.1.2.3" not in lines[1]["event"] and lines[1]["service"] == "test"
