"""The analyst API (``import gapsight``): curated names, thin wrappers, clear errors.

Numbers are checked against the core called directly on the same matrix (the wrappers
must add nothing) and, for a few, against pandas/SciPy computed here.
"""

from __future__ import annotations

import math
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import gapsight
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.servqual import servqual as core_servqual
from gapsight.analysis.servqual import servqual_layout
from gapsight.analyst import AnalysisOptions, analyze
from gapsight.analyst.inputs import resolve_instrument, to_matrix
from gapsight.instruments import load_builtin

PUBLIC_API = [
    "Analysis",
    "AnalysisOptions",
    "Instrument",
    "ResponseMatrix",
    "Undefined",
    "__version__",
    "analyze",
    "breakdown",
    "builtin_ids",
    "change",
    "cvs",
    "descriptives",
    "drivers",
    "grades",
    "importance_performance",
    "load_builtin",
    "mirror_gaps",
    "nps",
    "reliability",
    "servperf",
    "servqual",
]
"""The curated public API. Adding a name is a decision: update this list on purpose."""

DIMS = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}


def wave(n: int = 60, seed: int = 7) -> pd.DataFrame:
    """A small SERVQUAL + CVS + KTO wave with some missing answers and two segments."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    cols: dict[str, object] = {}
    for items in DIMS.values():
        f = 0.6 * g + 0.8 * rng.normal(size=n)
        for i in items:
            cols[f"e{i:02d}"] = np.clip(np.rint(5.8 + 0.7 * f + rng.normal(0, 0.6, n)), 1, 7)
            cols[f"p{i:02d}"] = np.clip(np.rint(5.0 + 0.9 * f + rng.normal(0, 0.7, n)), 1, 7)
    w = np.floor(rng.dirichlet([2, 3, 2, 2, 2], n) * 100)
    w[:, 1] += 100 - w.sum(axis=1)
    for j, d in enumerate(DIMS):
        cols[f"w_{d}"] = w[:, j]
    cols["grade_overall"] = np.clip(np.rint(7 + g + rng.normal(0, 0.8, n)), 1, 10)
    for c in ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend"):
        cols[c] = np.clip(np.rint(7.2 + 1.4 * g + rng.normal(0, 0.8, n)), 0, 10)
    for c in ("grade_service", "grade_quality", "grade_appearance", "grade_reliability"):
        cols[c] = np.clip(np.rint(7 + g + rng.normal(0, 0.8, n)), 1, 10)
    frame = pd.DataFrame(cols)
    frame.loc[3, "p05"] = np.nan
    frame.loc[4, "e07"] = np.nan
    frame["segment"] = np.where(np.arange(n) % 3 == 0, "public", "private")
    return frame


# ----------------------------------------------------------------- curated public API
def test_public_api_is_exactly_the_curated_list() -> None:
    assert sorted(gapsight.__all__) == sorted(PUBLIC_API)


@pytest.mark.parametrize("name", PUBLIC_API)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(gapsight, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = gapsight.nope  # type: ignore[attr-defined]


def test_import_gapsight_does_not_load_pandas_or_scipy() -> None:
    code = "import sys, gapsight; print('pandas' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- servqual
def test_servqual_equals_the_core_on_the_same_matrix() -> None:
    frame = wave()
    ours = gapsight.servqual(frame, "servqual22", adjust="bh", confidence=0.9)
    ins = load_builtin("servqual22")
    matrix = ResponseMatrix.from_frame(frame, [c for c in ins.numeric_codes() if c in frame])
    core = core_servqual(matrix, servqual_layout(ins), adjust="bh", confidence=0.9)
    assert [i.gap for i in ours.items] == [i.gap for i in core.items]
    assert [i.p_adjusted for i in ours.items] == [i.p_adjusted for i in core.items]
    assert ours.overall == core.overall
    assert ours.weighted is not None and ours.weighted.gap == core.weighted.gap  # type: ignore[union-attr]


def test_servqual_item_test_matches_scipy() -> None:
    frame = wave()
    item = gapsight.servqual(frame).item("05")
    pair = frame[["e05", "p05"]].dropna()
    ref = stats.ttest_rel(pair["p05"], pair["e05"])
    assert item.n_pairs == len(pair) == len(frame) - 1
    assert item.test.t == pytest.approx(ref.statistic, rel=1e-10)
    assert item.test.p == pytest.approx(ref.pvalue, rel=1e-8)


def test_servqual_aggregation_option_accepts_cli_spelling() -> None:
    frame = wave()
    res = gapsight.servqual(frame, aggregation="respondent")
    assert res.aggregation == "respondent"
    assert res.dimensions[0].test is not None
    assert gapsight.servqual(frame, aggregation="item-means").aggregation == "item_means"


def test_servqual_names_every_missing_column() -> None:
    frame = wave().drop(columns=["p05", "e09"])
    with pytest.raises(ValueError, match=r"2 required column\(s\) not in the data: e09, p05"):
        gapsight.servqual(frame)


def test_servqual_on_an_instrument_without_pairs_says_so() -> None:
    with pytest.raises(ValueError, match="no SERVQUAL expectation/perception items"):
        gapsight.servqual(wave(), "kto")


def test_dont_know_code_becomes_missing_and_is_counted() -> None:
    frame = wave()
    frame.loc[[0, 1], "p01"] = 8
    desc = gapsight.descriptives(frame, "servqual22", dont_know_code=8).item("p01")
    assert desc.dont_know == 2
    assert desc.n == len(frame) - 2


# --------------------------------------------------------------------- input checks
def test_unknown_instrument_lists_the_builtin_ids() -> None:
    with pytest.raises(KeyError, match="servqual22"):
        gapsight.cvs(wave(), "servqual99")


def test_wrong_instrument_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="instrument must be an id"):
        resolve_instrument([42])  # type: ignore[list-item]


def test_text_in_a_numeric_column_names_column_row_and_value() -> None:
    frame = wave()
    frame["p03"] = frame["p03"].astype(object)
    frame.loc[5, "p03"] = "goed"
    message = r"'p03' holds 1 value\(s\) that are not numbers, e.g. 'goed' in row 5"
    with pytest.raises(ValueError, match=message):
        gapsight.servqual(frame)


def test_blank_strings_are_missing_not_errors() -> None:
    frame = wave()
    frame["p03"] = frame["p03"].astype(object)
    frame.loc[5, "p03"] = "  "
    assert gapsight.descriptives(frame, "servqual22").item("p03").n == len(frame) - 1


def test_answers_outside_the_scale_are_reported_with_a_hint() -> None:
    frame = wave()
    frame.loc[2, "p04"] = 9
    message = r"(?s)dont_know_code.*p04: 1 answer\(s\) outside 1-7, e.g. 9 in row 2"
    with pytest.raises(ValueError, match=message):
        gapsight.servqual(frame)


def test_no_item_of_the_instrument_in_the_data() -> None:
    with pytest.raises(ValueError, match="none of the items of mto is a column"):
        gapsight.descriptives(wave(), "mto")


def test_missing_characteristic_column() -> None:
    with pytest.raises(ValueError, match="characteristic column"):
        analyze(wave(), "servqual22", by=["region"])


def test_not_a_dataframe() -> None:
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        to_matrix([[1, 2]], load_builtin("cvs"))  # type: ignore[arg-type]


def test_matrix_input_passes_through_restricted_to_the_instrument() -> None:
    m = ResponseMatrix.from_columns(
        {"cvs_satisfaction": [8, 7], "cvs_loyalty": [7, 9], "cvs_recommend": [9, 99], "x": [1, 2]}
    )
    out = to_matrix(m, load_builtin("cvs"), dont_know_code=99)
    assert out.codes == ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend")
    assert out.dont_know_count("cvs_recommend") == 1
    assert math.isnan(out.column("cvs_recommend")[1])


# ------------------------------------------------------------ CVS, NPS, grades, alpha
def test_cvs_nps_grades_match_pandas() -> None:
    frame = wave()
    cvs = gapsight.cvs(frame)
    parts = frame[["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"]]
    assert cvs.mean == pytest.approx(parts.mean(axis=1).mean())
    nps = gapsight.nps(frame)
    r = frame["cvs_recommend"]
    assert nps.score == pytest.approx(100 * ((r >= 9).mean() - (r <= 6).mean()))
    grades = gapsight.grades(frame, ["servqual22", "kto"])
    assert grades.grades[0].code == "grade_overall"
    assert grades.by_code("grade_service").estimate.mean == pytest.approx(
        frame["grade_service"].mean()
    )


def test_cvs_names_the_missing_part() -> None:
    with pytest.raises(ValueError, match="cvs_loyalty"):
        gapsight.cvs(wave().drop(columns=["cvs_loyalty"]))


def test_reliability_default_scales_and_custom_scales() -> None:
    frame = wave()
    table = gapsight.reliability(frame, "servqual22")
    names = [s.scale for s in table.scales]
    assert names[:2] == ["expectation.tangibles", "expectation.reliability"]
    assert names[-2:] == ["expectation", "perception"]
    assert table.scale("expectation.reliability").n == len(frame) - 1  # listwise: e07
    own = gapsight.reliability(frame, scales={"mine": ["p01", "p02", "p03"]})
    assert [s.scale for s in own.scales] == ["mine"]
    pair = gapsight.reliability(frame, missing="pairwise").scale("perception.reliability")
    assert pair.missing == "pairwise"


def test_reliability_of_an_instrument_without_scales() -> None:
    with pytest.raises(ValueError, match="no multi-item scale"):
        gapsight.reliability(wave(), "cvs")


# ----------------------------------------------------------------------------- analyze
def test_analyze_computes_everything_that_applies() -> None:
    a = gapsight.analyze(wave(), ["servqual22", "kto"])
    assert a.n == 60
    assert a.servqual is not None and a.servperf is not None and a.reliability is not None
    assert a.cvs is not None and a.nps is not None and a.grades is not None
    assert a.servqual.weighted is not None
    assert a.instrument.id == "servqual22_kto"


def test_analyze_says_why_sections_are_missing() -> None:
    frame = wave()[["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"]]
    a = gapsight.analyze(frame, "cvs")
    assert a.servqual is None and a.grades is None and a.reliability is None
    assert "no SERVQUAL" in a.skipped["servqual"]
    assert a.skipped["reliability"] == "no multi-item scale in the data"


def test_analyze_perceptions_only_gives_servperf() -> None:
    frame = wave().drop(columns=[f"e{i:02d}" for i in range(1, 23)])
    a = gapsight.analyze(frame, "servqual22")
    assert a.servqual is None and a.servperf is not None
    assert "SERVPERF" in a.skipped["servqual"]


def test_analyze_options_object_or_keywords_not_both() -> None:
    with pytest.raises(TypeError, match="not both"):
        analyze(wave(), "servqual22", options=AnalysisOptions(), adjust="bh")
    a = analyze(wave(), "servqual22", adjust="none", round_item_means=True)
    assert a.options.adjust == "none" and a.servqual is not None
    assert a.servqual.round_item_means


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"aggregation": "median"}, "aggregation must be one of"),
        ({"missing": "all"}, "missing must be one of"),
        ({"adjust": "bonferroni"}, "adjust must be one of"),
        ({"confidence": 95}, "confidence must be between 0 and 1"),
        ({"min_group_size": 2}, "min_group_size must be between 3 and 10"),
        ({"min_valid_share": 0}, "min_valid_share"),
        ({"dont_know_code": float("nan")}, "dont_know_code must be a finite number"),
    ],
)
def test_invalid_options_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AnalysisOptions(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------- breakdowns, drivers, mirror gaps
def test_breakdown_items_scores_and_nps_per_group() -> None:
    frame = wave()
    table = gapsight.breakdown(frame, "segment", ["servqual22", "cvs"])
    codes = [b.code for b in table.breakdowns]
    assert {"p05", "cvs", "gap.reliability", "perception.empathy", "nps"} <= set(codes)
    public = frame[frame["segment"] == "public"]
    assert table["p01"].cell("public").estimate.mean == pytest.approx(public["p01"].mean())  # type: ignore[union-attr]
    r = public["cvs_recommend"]
    expected = 100 * ((r >= 9).mean() - (r <= 6).mean())
    assert table["nps"].cell("public").estimate.mean == pytest.approx(expected)  # type: ignore[union-attr]


def test_breakdown_suppresses_small_groups() -> None:
    frame = wave()
    frame.loc[:2, "segment"] = "tiny"
    cell = gapsight.breakdown(frame, "segment", codes=["p01"])["p01"].cell("tiny")
    assert cell.suppressed and cell.n is None and cell.status == "below_minimum"


def test_breakdown_unknown_characteristic() -> None:
    with pytest.raises(ValueError, match="characteristic column"):
        gapsight.breakdown(wave(), "region")


def test_drivers_default_to_perception_dimensions_and_overall_grade() -> None:
    frame = wave()
    res = gapsight.drivers(frame, ["servqual22", "kto"])
    assert res.outcome == "grade_overall"
    assert res.drivers[0].name == "perception.tangibles"
    assert sum(d.lmg for d in res.drivers) == pytest.approx(res.r_squared)


def test_drivers_named_items_and_unknown_name() -> None:
    frame = wave()
    res = gapsight.drivers(frame, "kto", outcome="cvs", drivers=["grade_service", "grade_quality"])
    assert res.outcome == "cvs" and res.n == len(frame)
    with pytest.raises(ValueError, match="'grade_nope' is neither an item"):
        gapsight.drivers(frame, "kto", outcome="cvs", drivers=["grade_nope"])


def test_mirror_gaps_staff_minus_customers() -> None:
    customers = wave(seed=1)
    staff = wave(n=30, seed=2)
    staff[[f"p{i:02d}" for i in range(1, 23)]] = 7
    res = gapsight.mirror_gaps(customers, staff)
    item = next(i for i in res.items if i.code == "p01")
    assert item.gap == pytest.approx(7 - customers["p01"].mean())


def test_mirror_gaps_refuses_a_staff_group_below_the_minimum_group_size() -> None:
    """analysis.md: the minimum group size applies to every displayed number; four
    managers' mean would show what each of them answered."""
    customers = wave(seed=1)
    managers = wave(n=30, seed=2).iloc[:4]
    with pytest.raises(ValueError, match="staff group has 4 respondent"):
        gapsight.mirror_gaps(customers, managers)
    res = gapsight.mirror_gaps(customers, managers, min_group_size=3)
    assert res.items


def test_analyze_with_breakdowns_and_drivers() -> None:
    a = gapsight.analyze(wave(), ["servqual22", "kto"], by=["segment"])
    assert list(a.breakdowns) == ["segment"]
    assert [d.outcome for d in a.drivers] == ["grade_overall", "cvs"]


# ------------------------------------------------------------------- docs/examples
def test_the_documented_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    script = Path(__file__).resolve().parents[2] / "docs" / "examples" / "analyst_example.py"
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "Largest dimension gap: reliability" in out
    assert "perception.reliability" in out and "Key drivers of grade_overall" in out


def test_weight_rule_rejects_or_renormalises_points_not_summing_to_100() -> None:
    frame = wave()
    frame.loc[0, "w_tangibles"] = frame.loc[0, "w_tangibles"] + 10
    rejected = gapsight.servqual(frame).weighted
    renormalised = gapsight.analyze(frame, "servqual22", weight_rule="renormalise").servqual
    assert rejected is not None and rejected.n_rejected == 1
    assert renormalised is not None and renormalised.weighted is not None
    assert renormalised.weighted.n_renormalised == 1
    assert renormalised.weighted.n == rejected.n + 1
    assert any(w.code == "weights_not_100" for w in renormalised.warnings)


# ------------------------------------------------ change, importance–performance
def test_change_is_welch_for_independent_waves() -> None:
    before, after = wave(seed=1), wave(n=50, seed=2)
    res = gapsight.change(before, after, "servqual22")
    item = res.changes["p05"]
    ref = stats.ttest_ind(after["p05"].dropna(), before["p05"].dropna(), equal_var=False)
    assert item.difference == pytest.approx(after["p05"].mean() - before["p05"].mean())
    assert abs(item.t) == pytest.approx(abs(ref.statistic), rel=1e-9)
    assert item.p == pytest.approx(ref.pvalue, rel=1e-8)


def test_change_is_paired_with_a_respondent_key() -> None:
    before = wave(seed=1)
    after = before.copy()
    after["p05"] = after["p05"].clip(upper=6) + 1
    before["rid"] = after["rid"] = [f"r{i}" for i in range(len(before))]
    item = gapsight.change(before, after, "servqual22", key="rid").changes["p05"]
    pair = pd.concat([before["p05"], after["p05"]], axis=1, keys=["a", "b"]).dropna()
    ref = stats.ttest_rel(pair["b"], pair["a"])
    assert abs(item.t) == pytest.approx(abs(ref.statistic), rel=1e-9)


def test_importance_performance_stated_and_derived() -> None:
    frame = wave()
    stated = gapsight.importance_performance(frame, "servqual22")
    weights = frame[[f"w_{d}" for d in DIMS]].mean() / 100
    point = next(p for p in stated.points if p.name == "reliability")
    assert point.importance == pytest.approx(weights["w_reliability"])
    assert stated.importance_cross == pytest.approx(0.2)
    derived = gapsight.importance_performance(frame, ["servqual22"], source="derived")
    assert sum(p.importance for p in derived.points) == pytest.approx(1.0)  # type: ignore[misc]
    with pytest.raises(ValueError, match="no importance"):
        gapsight.importance_performance(
            frame.drop(columns=[f"w_{d}" for d in DIMS] + ["grade_overall"]).drop(
                columns=["cvs_satisfaction"]
            )
        )


def test_restrict_to_modules_drops_items_of_modules_switched_off() -> None:
    from gapsight.analyst.inputs import restrict_to_modules

    ins = load_builtin("servqual22")
    matrix = to_matrix(wave(), ins)
    assert matrix.has("w_tangibles")
    off = restrict_to_modules(matrix, ins, {"importance": False, "grade": True})
    assert not off.has("w_tangibles") and off.has("grade_overall") and off.has("p22")
    assert restrict_to_modules(matrix, ins, {"importance": True, "grade": True}) is matrix


def test_derived_gap_scores_equal_the_core_respondent_dimension_gaps() -> None:
    from gapsight.analysis.servqual import respondent_dimension_gaps
    from gapsight.analyst.scores import respondent_scores

    frame = wave()
    frame.loc[[1, 2, 3], ["p05", "p06", "p07"]] = np.nan  # below the 50 % rule for some
    ins = load_builtin("servqual22")
    matrix = to_matrix(frame, ins)
    layout = servqual_layout(ins)
    core = respondent_dimension_gaps(matrix, layout, min_share=0.5)
    ours = respondent_scores(matrix, layout, min_valid_share=0.5)
    for j, dim in enumerate(layout.dimensions):
        np.testing.assert_allclose(ours[f"gap.{dim}"], core[:, j], atol=1e-12, equal_nan=True)


def test_perception_only_instrument_gives_servperf_and_perception_scales() -> None:
    ins = load_builtin("servqual22_mirror")
    frame = wave().drop(columns=[f"e{i:02d}" for i in range(1, 23)])
    a = gapsight.analyze(frame, ins)
    assert a.servqual is None and a.servperf is not None
    assert a.reliability is not None
    names = [s.scale for s in a.reliability.scales]
    assert "perception.reliability" in names and "perception" in names
    assert not any(n.startswith("expectation") for n in names)


def test_expectation_only_instrument_is_a_prediction_wave_not_an_error() -> None:
    ins = load_builtin("servqual22_management_prediction")
    frame = wave().drop(columns=[f"p{i:02d}" for i in range(1, 23)])
    a = gapsight.analyze(frame, ins)
    assert a.servqual is None and a.servperf is None
    assert "prediction" in a.skipped["servqual"]
    assert a.reliability is not None
    assert [s.scale for s in a.reliability.scales][-1] == "expectation"
