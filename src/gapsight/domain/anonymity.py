"""What may be stored with an anonymous response (LimeSurvey's "anonymized responses").

An anonymous response keeps the answers and nothing that points back to a person:
no invitation, no link token, no contact, no time of day, and only those loaded
characteristics that leave the respondent hidden in a group of at least the study's
minimum group size. The rules, as pure functions:

- :func:`safe_snapshot` keeps characteristics one at a time, in the order given, as
  long as the *combination* kept so far still matches at least ``min_group_size``
  invited contacts (k-anonymity against the sample): each group being large is not
  enough, because "segment = B and region = North" can single one person out although
  both groups are big.
- :func:`coarse_time` keeps the date only (midnight UTC): an exact time could be
  matched with the moment a link was opened or a mail was read.
- :func:`response_id` draws a random id for a web response, so that the order of the
  ids says nothing about the order in which invitations were sent, opened or
  completed (autoincrement ids would).
- :func:`keeps_choice` tells whether a study lets the respondent choose: only
  ``choice`` studies of a kind other than ``employee`` (employees are always
  anonymous, ``certification.md`` P3.mto).

Example::

    >>> sample = [{"segment": "A", "region": "N"}] * 5 + [{"segment": "A", "region": "S"}]
    >>> safe_snapshot({"segment": "A", "region": "S"}, sample, min_group_size=5)
    {'segment': 'A'}
    >>> coarse_time(dt.datetime(2026, 11, 23, 9, 41, 7, tzinfo=dt.UTC)).isoformat()
    '2026-11-23T00:00:00+00:00'
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "RESPONSE_ID_RANGE",
    "coarse_time",
    "keeps_choice",
    "response_id",
    "safe_snapshot",
    "starts_anonymous",
]

RESPONSE_ID_RANGE = (2**52, 2**53)
"""Random response ids are drawn from this half-open range: large enough that two
never meet in practice (a collision is retried by the caller's unique key), and below
2**53 so JavaScript and JSON consumers read them exactly."""


def safe_snapshot(
    characteristics: Mapping[str, Any],
    population: Iterable[Mapping[str, Any]],
    *,
    min_group_size: int,
) -> dict[str, Any]:
    """The part of ``characteristics`` that may be stored with an anonymous response.

    ``population`` is the characteristics of every invited contact of the wave.
    Missing values (``None``) are never kept.
    """
    rows = [dict(r) for r in population]
    kept: dict[str, Any] = {}
    for name, value in characteristics.items():
        if value is None:
            continue
        trial = {**kept, name: value}
        matching = sum(1 for r in rows if all(r.get(k) == v for k, v in trial.items()))
        if matching >= min_group_size:
            kept = trial
    return kept


def coarse_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` reduced to its date (midnight UTC)."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def response_id() -> int:
    """A random id for a new web response (see :data:`RESPONSE_ID_RANGE`)."""
    lo, hi = RESPONSE_ID_RANGE
    return lo + secrets.randbelow(hi - lo)


def keeps_choice(kind: str, anonymity_mode: str) -> bool:
    """Whether respondents of such a study choose between anonymous and contactable."""
    return anonymity_mode == "choice" and kind != "employee"


def starts_anonymous(kind: str, anonymity_mode: str) -> bool:
    """Whether a new response starts anonymous (``choice`` defaults to anonymous)."""
    return kind == "employee" or anonymity_mode != "identified"
