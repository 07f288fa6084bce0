"""``analyze(previous=…)``: the guideline norm by level, by points, by relative change."""

from __future__ import annotations

import pandas as pd
import pytest

import gapsight


def _grades(service: list[int], quality: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"grade_service": service, "grade_quality": quality})


def test_grades_meet_the_norm_by_improvement_on_the_previous_wave() -> None:
    """certification.md P2.dimension_grade: "≥ 7 or improved by ≥ 10 percentage points
    (+1.0 point)". Hand count, 5 respondents: service 5.6 → 6.6 (+1.0, met by points),
    quality 6.0 → 6.4 (+0.4, not met; relative +10 % needs 6.6, not met either)."""
    before = gapsight.analyze(_grades([5, 6, 5, 6, 6], [6, 6, 6, 6, 6]), "kto")
    now = _grades([6, 7, 6, 7, 7], [6, 7, 6, 7, 6])
    after = gapsight.analyze(now, "kto", previous=before)
    assert after.grades is not None
    norms = {g.code: g.norm for g in after.grades.grades}
    assert norms["grade_service"].improvement == 1.0
    assert (norms["grade_service"].met, norms["grade_service"].rule_applied) == (
        True,
        "improvement_points",
    )
    assert (norms["grade_quality"].met, norms["grade_quality"].rule_applied) == (False, "not_met")
    # the same wave without its predecessor can only meet the level rule
    alone = gapsight.analyze(now, "kto")
    assert alone.grades is not None
    assert not any(g.norm.met for g in alone.grades.grades)
    # relative: 6.6 ≥ 5.6 × 1.1 = 6.16 → met; 6.4 < 6.0 × 1.1 = 6.6 → not met
    rel = gapsight.analyze(now, "kto", previous=before, norm_relative=True)
    assert rel.grades is not None
    applied = {g.code: g.norm.rule_applied for g in rel.grades.grades}
    assert applied == {"grade_service": "improvement_relative", "grade_quality": "not_met"}
    assert rel.to_document()["options"]["norm_relative"] is True


def test_threaded_sections_equal_the_in_line_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large waves compute descriptives and breakdowns in a second thread
    (``PARALLEL_FROM``); the document must be identical to the in-line computation."""
    import numpy as np

    from gapsight.analyst import analysis as module

    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame(
        {f"{part}{i:02d}": rng.integers(1, 8, n) for part in "ep" for i in range(1, 23)}
    )
    frame["segment"] = rng.choice(["a", "b", "c", "tiny"], n, p=[0.4, 0.3, 0.29, 0.01])
    monkeypatch.setattr(module, "PARALLEL_FROM", 10**9)
    in_line = gapsight.analyze(frame, "servqual22", by=["segment"]).to_document()
    monkeypatch.setattr(module, "PARALLEL_FROM", 1)
    threaded = gapsight.analyze(frame, "servqual22", by=["segment"]).to_document()
    assert threaded == in_line
    assert in_line["breakdowns"]["segment"]  # the breakdown is really there


def test_an_error_in_a_background_section_reaches_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gapsight.analyst import analysis as module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("descriptives failed")

    monkeypatch.setattr(module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(module, "descriptives_of", broken)
    with pytest.raises(RuntimeError, match="descriptives failed"):
        gapsight.analyze(_grades([5, 6, 5, 6, 6], [6, 6, 6, 6, 6]), "kto")


def test_an_item_test_on_fewer_pairs_than_the_minimum_is_withheld() -> None:
    """analysis.md: the minimum applies to the n behind every displayed number. Item 03
    is answered by 12 (E) and 11 (P) respondents, but only 3 answered both: its means
    and gap P̄ − Ē rest on ≥ 5 answers each and stay; its paired test (mean of the 3
    differences, t, CI, d_z) is withheld."""
    import numpy as np

    rng = np.random.default_rng(3)
    n = 20
    frame = pd.DataFrame(
        {
            f"{part}{i:02d}": rng.integers(1, 8, n).astype(float)
            for part in "ep"
            for i in range(1, 23)
        }
    )
    frame.loc[3:11, "p03"] = np.nan  # rows 3-11 answered E only
    frame.loc[12:19, "e03"] = np.nan  # rows 12-19 answered P only
    a = gapsight.analyze(frame, "servqual22")
    assert a.servqual is not None
    item = next(i for i in a.servqual.items if i.code == "03")
    assert (item.n_expectation, item.n_perception, item.n_pairs) == (12, 11, 3)
    assert item.gap == pytest.approx(frame["p03"].mean() - frame["e03"].mean())
    assert "suppressed to protect anonymity" in item.test.t.reason  # type: ignore[union-attr]
    assert not isinstance(item.test.ci_low, float) and not isinstance(item.p_adjusted, float)
    other = next(i for i in a.servqual.items if i.code == "04")
    assert isinstance(other.test.t, float)  # 20 pairs: shown
    doc = a.to_document()
    row = next(r for r in doc["servqual"]["items"] if r["code"] == "03")
    assert row["t"] is None and row["ci_low"] is None and row["n_pairs"] == 3
    shown = gapsight.analyze(frame, "servqual22", min_group_size=3).servqual
    assert shown is not None
    assert isinstance(next(i for i in shown.items if i.code == "03").test.t, float)
