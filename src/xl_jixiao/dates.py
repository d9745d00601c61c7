"""Dates as Chinese forms write them (``2024年12月31日``): standard library only, cheap to import."""

from __future__ import annotations

import datetime as _dt

__all__ = ["date_text"]


def date_text(value: _dt.date) -> str:
    """A date (or date-time) cell as written in Chinese forms: ``2024年12月31日`` [``HH:MM``]."""
    text = f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, _dt.datetime) and (value.hour or value.minute or value.second):
        text += f" {value:%H:%M}"
    return text
