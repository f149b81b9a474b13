"""Call-back windows and safe hours in the victim's time zone, across days and daylight-saving changes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from relais_followup.windows import OVERSEAS_ZONES, SafeHours, callback_window, is_safe_time, next_safe_time, zone_name

PARIS = ZoneInfo("Europe/Paris")


def test_a_window_opens_24_real_hours_later_across_the_march_change():
    # Saturday 28 March 2026, 10:00 CET (+01:00); clocks go forward on Sunday 29 March at 02:00.
    opens, closes = callback_window(datetime(2026, 3, 28, 10, 0, tzinfo=PARIS), "35")
    assert opens.isoformat() == "2026-03-29T11:00:00+02:00"  # wall clock moved, real time did not
    assert closes.isoformat() == "2026-03-30T11:00:00+02:00"
    assert opens - datetime(2026, 3, 28, 9, 0, tzinfo=UTC) == timedelta(hours=24)


def test_a_window_opens_24_real_hours_later_across_the_october_change():
    # Saturday 24 October 2026, 10:00 CEST (+02:00); clocks go back on Sunday 25 October at 03:00.
    opens, closes = callback_window(datetime(2026, 10, 24, 10, 0, tzinfo=PARIS), "75")
    assert opens.isoformat() == "2026-10-25T09:00:00+01:00"
    assert closes.isoformat() == "2026-10-26T09:00:00+01:00"
    assert (closes - opens) == timedelta(hours=24)


def test_an_intervention_during_the_repeated_hour_keeps_real_hours():
    first = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=0)  # 00:30 UTC
    second = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1)  # 01:30 UTC
    assert callback_window(first, "13")[0].astimezone(UTC) == datetime(2026, 10, 26, 0, 30, tzinfo=UTC)
    assert callback_window(second, "13")[0].astimezone(UTC) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_a_window_across_the_end_of_the_month_and_year():
    opens, closes = callback_window(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2A")
    assert opens.isoformat() == "2027-01-02T00:30:00+01:00"
    assert closes.isoformat() == "2027-01-03T00:30:00+01:00"


@pytest.mark.parametrize(("department", "offset"), [
    ("971", -4), ("972", -4), ("973", -3), ("974", 4), ("976", 3), ("977", -4), ("978", -4), ("986", 12),
    ("987", -10), ("988", 11)])
def test_overseas_windows_have_no_daylight_saving(department, offset):
    for base in (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 10, 24, 12, tzinfo=UTC)):
        opens, closes = callback_window(base, department)
        assert opens.utcoffset() == closes.utcoffset() == timedelta(hours=offset)
        assert opens.astimezone(UTC) == base + timedelta(hours=24)


def test_saint_pierre_and_miquelon_follows_its_own_daylight_saving():
    # Miquelon changes on the North American dates (8 March and 1 November 2026), not on Europe's.
    opens, _ = callback_window(datetime(2026, 3, 7, 12, tzinfo=UTC), "975")
    assert opens.utcoffset() == timedelta(hours=-2)
    assert opens.astimezone(UTC) == datetime(2026, 3, 8, 12, tzinfo=UTC)


def test_every_department_has_a_zone_and_unknown_codes_are_refused():
    assert zone_name("01") == zone_name("2B") == zone_name("95") == "Europe/Paris"
    assert {zone_name(d) for d in OVERSEAS_ZONES} == set(OVERSEAS_ZONES.values())
    for bad in ("96", "20", "00", "980", "9a", ""):
        with pytest.raises(ValueError):
            zone_name(bad)


def test_a_naive_time_or_a_window_closing_before_it_opens_is_refused():
    with pytest.raises(ValueError):
        callback_window(datetime(2026, 1, 1, 12), "35")
    with pytest.raises(ValueError):
        callback_window(datetime(2026, 1, 1, 12, tzinfo=UTC), "35", opens_after=timedelta(hours=48),
                        closes_after=timedelta(hours=24))


def test_safe_hours_are_local_wall_clock_hours_on_both_sides_of_the_change():
    mornings = [SafeHours.parse("09:00-11:30")]
    # 09:30 local is 08:30 UTC in winter and 07:30 UTC in summer: both safe.
    assert is_safe_time(datetime(2026, 3, 28, 8, 30, tzinfo=UTC), PARIS, mornings)
    assert is_safe_time(datetime(2026, 3, 29, 7, 30, tzinfo=UTC), PARIS, mornings)
    assert not is_safe_time(datetime(2026, 3, 29, 9, 59, tzinfo=UTC), PARIS, mornings)  # 11:59 local
    assert next_safe_time(datetime(2026, 3, 28, 20, 0, tzinfo=UTC), PARIS, mornings).isoformat() == \
        "2026-03-29T09:00:00+02:00"


def test_safe_hours_running_past_midnight():
    nights = [SafeHours.parse("22:00-07:00")]
    reunion = ZoneInfo("Indian/Reunion")
    assert is_safe_time(datetime(2026, 6, 1, 19, 0, tzinfo=UTC), reunion, nights)  # 23:00 local
    assert is_safe_time(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), reunion, nights)  # 06:00 local
    assert not is_safe_time(datetime(2026, 6, 1, 3, 0, tzinfo=UTC), reunion, nights)  # 07:00 local
    assert next_safe_time(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), reunion, nights).isoformat() == \
        "2026-06-01T22:00:00+04:00"


def test_a_safe_stretch_starting_in_the_skipped_hour_starts_after_the_change():
    gap = [SafeHours.parse("02:30-04:00")]
    first = next_safe_time(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), PARIS, gap)
    assert first.isoformat() == "2026-03-29T03:30:00+02:00"
    assert is_safe_time(first, PARIS, gap)


def test_no_safe_hours_means_any_time_and_bad_stretches_are_refused():
    assert is_safe_time(datetime(2026, 1, 1, 3, tzinfo=UTC), PARIS, [])
    assert SafeHours.parse(" 08:05 - 09:10 ") == SafeHours(time(8, 5), time(9, 10))
    for bad in ("9:00-10:00", "09:00-09:00", "25:00-26:00", "09:00", "nuit"):
        with pytest.raises(ValueError):
            SafeHours.parse(bad)
