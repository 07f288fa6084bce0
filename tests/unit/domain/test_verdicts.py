"""Rules of the recorded verdicts on gaps 2–4."""

from __future__ import annotations

import pytest

from gapsight.domain.verdicts import RECORDED_GAPS, VERDICTS, check_verdict


@pytest.mark.parametrize("gap", RECORDED_GAPS)
@pytest.mark.parametrize("verdict", VERDICTS)
def test_valid_verdicts(gap: int, verdict: str) -> None:
    assert check_verdict(gap, verdict, None) == []
    assert check_verdict(gap, verdict, 0.5) == []


@pytest.mark.parametrize(
    ("gap", "verdict", "size", "problem"),
    [
        (1, "present", None, "gap must be 2, 3 or 4"),
        (5, "absent", None, "gap must be 2, 3 or 4"),
        (3, "maybe", None, "verdict must be one of"),
        (3, "partly", 1.5, "size is a share"),
        (3, "partly", -0.1, "size is a share"),
    ],
)
def test_invalid_verdicts(gap: int, verdict: str, size: float | None, problem: str) -> None:
    problems = check_verdict(gap, verdict, size)
    assert len(problems) == 1 and problems[0].startswith(problem)
