"""Changes since the previous wave: paired t-tests when most respondents answered both
waves (matched by respondent key), Welch otherwise."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from gapsight.analysis.change import mean_change, paired_mean_change
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.services.reporting import WaveResult, _changes, matched_respondents, use_paired

STUDY = SimpleNamespace(min_group_size=5)
ANALYSIS = SimpleNamespace(options=SimpleNamespace(confidence=0.95), grades=None, nps=None)


def _wave(cvs: list[float], keys: list[str | None]) -> WaveResult:
    matrix = ResponseMatrix.from_columns({"x": cvs})
    scores: Any = {"cvs": np.array(cvs, dtype=float)}
    return WaveResult(STUDY, len(cvs), ANALYSIS, scores, matrix, tuple(keys))  # type: ignore[arg-type]


def test_the_same_respondents_are_tested_paired() -> None:
    before = _wave([6, 7, 5, 8, 6, 7, 6, 5], [f"k{i}" for i in range(8)])
    # the same people in another order, each about half a point higher, one new anonymous
    after = _wave([7.5, 6.5, 8, 6, 8.5, 7, 6.5, 7], [f"k{i}" for i in (1, 0, 3, 2, 4, 5, 6, 7)])
    assert matched_respondents(after, before) == 8 and use_paired(after, before)
    changes, _, _ = _changes(after, before)
    expected = paired_mean_change(
        before.scores["cvs"],
        after.scores["cvs"],
        [f"k:k{i}" for i in range(8)],
        [f"k:k{i}" for i in (1, 0, 3, 2, 4, 5, 6, 7)],
    )
    assert changes["cvs"].method == "paired"
    assert changes["cvs"].p == expected.p and changes["cvs"].n_current == 8


def test_few_repeat_respondents_fall_back_to_welch() -> None:
    before = _wave([6, 7, 5, 8, 6, 7, 6, 5], [f"k{i}" for i in range(8)])
    keys: list[str | None] = ["k0", "k1", "k2", None, None, None, None, None, None, None]
    after = _wave([7, 8, 6, 8, 7, 7, 6, 8, 7, 6], keys)
    assert matched_respondents(after, before) == 3 and not use_paired(after, before)
    changes, _, _ = _changes(after, before)
    expected = mean_change(before.scores["cvs"], after.scores["cvs"])
    assert changes["cvs"].method == "welch" and changes["cvs"].p == expected.p


def test_anonymous_waves_are_never_paired() -> None:
    before = _wave([6, 7, 5, 8, 6, 7], [None] * 6)
    after = _wave([7, 8, 6, 8, 7, 7], [None] * 6)
    assert matched_respondents(after, before) == 0 and not use_paired(after, before)


def test_a_key_twice_in_one_wave_is_not_paired() -> None:
    before = _wave([6, 7, 5, 8, 6, 7], ["a", "b", "c", "d", "e", "e"])
    after = _wave([7, 8, 6, 8, 7, 7], ["a", "b", "c", "d", "e", "f"])
    assert not use_paired(after, before)
