"""Dates: the build date (from ``SOURCE_DATE_EPOCH``), ISO parsing, adding months, display ("as of …")."""

from __future__ import annotations

import calendar
import datetime as dt
import os


def build_date() -> dt.date:
    """The date of this build: ``SOURCE_DATE_EPOCH`` (UTC) when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def parse(value: str) -> dt.date | None:
    """*value* as a date if it is ``YYYY-MM-DD``, else None."""
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def add_months(date: dt.date, months: int) -> dt.date:
    """*date* plus *months*, on the last day of the month where the day does not exist.

    Saturates at ``date.min`` and ``date.max`` (years 1 and 9999): a placeholder date such as
    9999-06-01 or a huge review interval must not crash the build.
    """
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return dt.date.max if year > dt.MAXYEAR else dt.date.min
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


def display(date: dt.date) -> str:
    """'1 December 2026': no locale, no leading zero."""
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"


def as_of_text(as_of: str) -> str:
    """'as of 1 December 2026' for an ISO date a directive recorded (it records only valid ones)."""
    date = parse(as_of)
    assert date is not None
    return f"as of {display(date)}"
