"""What may be stored with an anonymous response (LimeSurvey's "anonymized responses").

An anonymous response keeps the answers and nothing that points back to a person:
no invitation, no link token, no contact, no time of day, and only those loaded
characteristics that leave the respondent hidden in a group of at least the study's
minimum group size. The rules, as pure functions:

- :func:`safe_snapshot` keeps characteristics one at a time, in the order of their names, as
  long as the *combination* kept so far still matches at least ``min_group_size``
  invited contacts (k-anonymity against the sample): each group being large is not
  enough, because "segment = B and region = North" can single one person out although
  both groups are big. *Leaving a value out* must not single anyone out either: when
  only the one contact of a small group has no segment in their snapshot, the missing
  segment points at them. So a value is left out for a whole group at once: per
  characteristic, within the group of contacts sharing what was kept so far, the
  values held by fewer than ``min_group_size`` contacts are hidden together with the
  missing ones, and when those hidden together are still fewer than
  ``min_group_size``, the next smallest value is hidden too (complementary
  suppression, as in :func:`gapsight.analysis.breakdown.suppress_cells`).
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
    >>> safe_snapshot({"segment": "A", "region": "N"}, sample, min_group_size=5)
    {'segment': 'A'}
    >>> coarse_time(dt.datetime(2026, 11, 23, 9, 41, 7, tzinfo=dt.UTC)).isoformat()
    '2026-11-23T00:00:00+00:00'
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "RESPONSE_ID_RANGE",
    "coarse_time",
    "generalise_snapshots",
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

    Characteristics are considered in the order of their names. ``population`` is the
    characteristics of every invited contact of the wave (the respondent among them).
    Missing values (``None``) are never kept. Every snapshot this returns is returned
    for at least ``min_group_size`` contacts of the population (or for all of them), so
    neither a kept value nor a left-out one narrows a respondent down to fewer people.
    """
    group = [dict(r) for r in population]
    kept: dict[str, Any] = {}
    # One order for everybody (a contact's own key order must not change the outcome).
    names = sorted({*characteristics, *(n for r in group for n in r)}, key=str)
    for name in names:
        value = characteristics.get(name)
        counts = Counter(_key(r.get(name)) for r in group)
        hidden = _hidden_values(counts, min_group_size)
        own = _key(value)
        if own in hidden:
            group = [r for r in group if _key(r.get(name)) in hidden]
        else:
            kept[name] = value
            group = [r for r in group if _key(r.get(name)) == own]
    return kept


def generalise_snapshots(
    snapshots: Sequence[Mapping[str, Any] | None], *, min_group_size: int
) -> list[dict[str, Any] | None]:
    """Shorten the characteristics snapshots of anonymous *responses* until each one
    that is not empty is shared, exactly, by at least ``min_group_size`` of them.

    :func:`safe_snapshot` protects a snapshot among the *invited*; but who responded is
    partly known (``invitations.completed``), so a combination held by five invited
    contacts of whom one responded still points at that one. Among the responses
    themselves, a snapshot held by *k* responses belongs to *k* different respondents,
    each of whom fits it — whatever else is known about them. A snapshot shared by
    fewer loses its last characteristic (in name order, as :func:`safe_snapshot`
    prefers the first ones; the longest such snapshots first, so that a shorter one
    can gain their company) and is counted again with the others, until every
    non-empty snapshot is common enough; an empty one becomes ``None``. The order of
    the input is kept.

    >>> generalise_snapshots(
    ...     [{"region": "N", "segment": "A"}] * 3
    ...     + [{"region": "N", "segment": "B"}, {"region": "N"}, {"region": "N"}],
    ...     min_group_size=3,
    ... )[3:]
    [{'region': 'N'}, {'region': 'N'}, {'region': 'N'}]
    """
    names = sorted({n for s in snapshots if s for n in s}, key=str)
    empty: Mapping[str, Any] = {}
    try:  # characteristics are JSON scalars: hashable as they are (fast)
        keys = [tuple((s or empty).get(n) for n in names) for s in snapshots]
        weight = Counter(keys)
    except TypeError:
        keys = [tuple(_plain((s or empty).get(n)) for n in names) for s in snapshots]
        weight = Counter(keys)
    # Work on the distinct snapshots with their counts (a million rows have few).
    current = {key: key for key in weight}
    while True:
        shared: Counter[tuple[Any, ...]] = Counter()
        for original, now in current.items():
            shared[now] += weight[original]
        rare = [
            original
            for original, now in current.items()
            if shared[now] < min_group_size and any(v is not None for v in now)
        ]
        if not rare:
            break
        # The longest first: a shorter rare snapshot may gain company from them.
        length = {o: sum(v is not None for v in current[o]) for o in rare}
        longest = max(length.values())
        for original in rare:
            if length[original] == longest:
                now = current[original]
                last = max(i for i, v in enumerate(now) if v is not None)
                current[original] = (*now[:last], None, *now[last + 1 :])
    kept = {
        o: [n for n, v in zip(names, now, strict=True) if v is not None]
        for o, now in current.items()
    }
    out: list[dict[str, Any] | None] = []
    for snapshot, key in zip(snapshots, keys, strict=True):
        own = kept[key]
        out.append({n: snapshot[n] for n in own} if own and snapshot else None)
    return out


def _plain(value: Any) -> Any:
    """A hashable stand-in for an unhashable value (``None`` stays missing)."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


_MISSING = ("missing",)


def _key(value: Any) -> Any:
    """A hashable stand-in for a characteristic value (``None``: missing)."""
    if value is None:
        return _MISSING
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return ("value", value)


def _hidden_values(counts: Counter[Any], k: int) -> set[Any]:
    """The values left out for everybody holding them: missing, those of fewer than
    ``k`` contacts, and then the smallest others until the hidden ones together are
    ``k`` contacts or more (or all are hidden)."""
    hidden = {_MISSING} | {v for v, n in counts.items() if n < k}
    visible = sorted((n, repr(v), v) for v, n in counts.items() if v not in hidden)
    while visible and 0 < sum(counts[v] for v in hidden) < k:
        hidden.add(visible.pop(0)[2])
    return hidden


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
