"""Recorded verdicts on gaps 2, 3 and 4 of the gap model.

Gaps 1, 5, 6 and 7 are measured by surveys (``gap-model.md``). Gaps 2 (standards),
3 (delivery) and 4 (communication) have no validated survey scale: people assess them
from interviews, documents and records, and record per wave a **verdict** — *present*,
*partly* or *absent* — with the **explanation** (evidence, who supports it, cause and
remedy) and, where the organisation measures it against a service standard, a
**size**: a share between 0 and 1 (for gap 3 the share of cases that met the standard,
for gap 4 the share of promises delivered).

The report draws each recorded gap in the gap-model figure next to the measured ones
and lists the explanations; a gap without a record is *not assessed*.

Example::

    >>> check_verdict(3, "partly", 0.82) == []
    True
    >>> check_verdict(5, "present", None)
    ['gap must be 2, 3 or 4 (gaps 1, 5, 6 and 7 are measured)']
"""

from __future__ import annotations

__all__ = ["RECORDED_GAPS", "VERDICTS", "check_verdict"]

RECORDED_GAPS: tuple[int, ...] = (2, 3, 4)
"""The gaps assessed by people rather than measured by a survey."""

VERDICTS: tuple[str, ...] = ("present", "partly", "absent")
"""What a recorded verdict says (a gap without a record is *not assessed*)."""


def check_verdict(gap: int, verdict: str, size: float | None) -> list[str]:
    """The rules a recorded verdict breaks (empty list: valid)."""
    problems = []
    if gap not in RECORDED_GAPS:
        problems.append("gap must be 2, 3 or 4 (gaps 1, 5, 6 and 7 are measured)")
    if verdict not in VERDICTS:
        problems.append(f"verdict must be one of {', '.join(VERDICTS)}")
    if size is not None and not 0.0 <= size <= 1.0:
        problems.append("size is a share between 0 and 1")
    return problems
