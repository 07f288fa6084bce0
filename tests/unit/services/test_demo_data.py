"""The demo generator: seeded, valid, and the planted patterns are really in the data.

The pattern checks recompute everything with plain NumPy/SciPy (not gapsight's own
analysis) so that they test the data, not the analysis code.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments import Instrument
from gapsight.services.demo_data import (
    DEFAULT_SEED,
    DIMENSIONS,
    DemoInstruments,
    DemoOrganisation,
    DemoWave,
    generate,
)

_STATEMENTS = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}


@pytest.fixture(scope="module")
def demo() -> DemoOrganisation:
    return generate()


def codes(part: str, dimension: str) -> list[str]:
    return [f"{part}{i:02d}" for i in _STATEMENTS[dimension]]


def item_mean(m: ResponseMatrix, code: str) -> float:
    return float(np.nanmean(m.column(code)))


def dimension_mean(m: ResponseMatrix, part: str, dimension: str) -> float:
    """Mean of item means (analysis.md, aggregation 1)."""
    return float(np.mean([item_mean(m, c) for c in codes(part, dimension)]))


def dimension_gap(m: ResponseMatrix, dimension: str) -> float:
    return dimension_mean(m, "p", dimension) - dimension_mean(m, "e", dimension)


def respondent_gaps(m: ResponseMatrix, dimension: str) -> np.ndarray:
    """Per respondent the mean item gap of the dimension (at least half the items)."""
    g = m.columns(codes("p", dimension)) - m.columns(codes("e", dimension))
    valid = (~np.isnan(g)).sum(axis=1)
    keep = valid >= g.shape[1] / 2
    return row_mean(g[keep])


def answered(x: np.ndarray) -> np.ndarray:
    return x[~np.isnan(x)]


def row_mean(x: np.ndarray) -> np.ndarray:
    """Mean of the answered items per row; ``NaN`` for rows with none."""
    count = (~np.isnan(x)).sum(axis=1)
    total = np.nansum(x, axis=1)
    return np.divide(total, count, out=np.full(len(x), np.nan), where=count > 0)


def cronbach_alpha(x: np.ndarray) -> float:
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    c = np.cov(x, rowvar=False)
    return float(k / (k - 1) * (1 - np.trace(c) / c.sum()))


def matrix(demo: DemoOrganisation, key: str) -> ResponseMatrix:
    return demo.wave(key).table.matrix


# -- determinism and shape ---------------------------------------------------------------


def test_same_seed_gives_identical_data(demo: DemoOrganisation) -> None:
    again = generate(DEFAULT_SEED)
    for a, b in zip(demo.waves, again.waves, strict=True):
        assert a.study == b.study
        assert a.table.matrix.codes == b.table.matrix.codes
        np.testing.assert_array_equal(a.table.matrix.values, b.table.matrix.values)
        np.testing.assert_array_equal(a.table.matrix.dont_know, b.table.matrix.dont_know)
        assert a.table.texts == b.table.texts
        assert a.table.respondent_keys == b.table.respondent_keys
        assert a.table.characteristics.equals(b.table.characteristics)
        assert a.sample.contacts.equals(b.sample.contacts)
        assert a.statuses == b.statuses


def test_another_seed_gives_other_data(demo: DemoOrganisation) -> None:
    other = generate(DEFAULT_SEED + 1)
    a, b = matrix(demo, "klant-2024"), matrix(other, "klant-2024")
    assert not np.array_equal(a.values, b.values, equal_nan=True)


def test_waves_kinds_sizes_and_links(demo: DemoOrganisation) -> None:
    summary = {w.study.key: (w.study.kind, w.table.n, w.study.previous) for w in demo.waves}
    assert summary == {
        "klant-2024": ("customer", 340, None),
        "klant-2025": ("customer", 380, "klant-2024"),
        "medewerkers-2025": ("employee", 158, None),
        "spiegel-2025": ("mirror", 46, None),
        "management-2025": ("management_prediction", 12, None),
        "voorspelling-2025": ("staff_prediction", 38, None),
    }
    for w in demo.waves:
        assert w.table.instrument_ref == w.instrument.ref == w.study.instrument_ref
        assert w.study.field_start < w.study.field_end
        assert w.table.n <= w.sample.n <= w.study.population_size
        assert len(w.statuses) == w.table.n
    first, second = demo.wave("klant-2024").study, demo.wave("klant-2025").study
    assert 350 <= (second.field_start - first.field_start).days <= 380


def test_customer_questionnaire_has_every_part(demo: DemoOrganisation) -> None:
    have = set(matrix(demo, "klant-2024").codes)
    expected = {f"e{i:02d}" for i in range(1, 23)} | {f"p{i:02d}" for i in range(1, 23)}
    expected |= {f"w_{d}" for d in DIMENSIONS} | {"grade_overall", "grade_reliability"}
    expected |= {"cvs_satisfaction", "cvs_loyalty", "cvs_recommend"}
    assert expected <= have


def test_mirror_lines_up_with_the_customer_items(demo: DemoOrganisation) -> None:
    mirror = set(matrix(demo, "spiegel-2025").codes)
    assert {f"p{i:02d}" for i in range(1, 23)} <= mirror
    assert mirror <= set(matrix(demo, "klant-2025").codes)
    for key in ("management-2025", "voorspelling-2025"):
        prediction = set(matrix(demo, key).codes)
        assert {f"e{i:02d}" for i in range(1, 23)} <= prediction
        assert not any(c.startswith("p") and c[1:].isdigit() for c in prediction)


# -- validity ----------------------------------------------------------------------------


def test_every_value_is_admitted_by_its_scale(demo: DemoOrganisation) -> None:
    for w in demo.waves:
        m = w.table.matrix
        for j, code in enumerate(m.codes):
            scale = w.instrument.scale_of(code)
            answered = m.values[:, j][~np.isnan(m.values[:, j])]
            bad = [v for v in np.unique(answered) if not scale.admits(float(v))]
            assert not bad, f"{w.study.key} {code}: {bad} not {scale.describe()}"


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seed_gives_valid_data(seed: int) -> None:
    for w in generate(seed).waves:
        m = w.table.matrix
        assert len(w.statuses) == len(w.answered_on) == m.n
        assert all(w.study.field_start <= d <= w.study.field_end for d in w.answered_on)
        for j, code in enumerate(m.codes):
            scale = w.instrument.scale_of(code)
            column = m.values[:, j]
            assert all(scale.admits(float(v)) for v in np.unique(column[~np.isnan(column)]))
        if m.has("w_reliability"):
            points = m.columns([f"w_{d}" for d in DIMENSIONS])
            filled = ~np.isnan(points).any(axis=1)
            assert (points[filled].sum(axis=1) == 100).all()


def test_dont_knows_are_present_and_only_where_offered(demo: DemoOrganisation) -> None:
    for w in demo.waves:
        m = w.table.matrix
        assert m.dont_know is not None
        assert not (m.dont_know & ~np.isnan(m.values)).any(), "don't know must be NaN"
        for j, code in enumerate(m.codes):
            if m.dont_know[:, j].any():
                assert w.instrument.item(code).dont_know, f"{w.study.key} {code}"
    customers = matrix(demo, "klant-2024")
    counts = {c: customers.dont_know_count(c) for c in customers.codes if c.startswith("p")}
    assert sum(counts.values()) > 50
    assert max(counts, key=lambda c: counts[c]) == "p09"
    assert all(customers.dont_know_count(f"e{i:02d}") == 0 for i in range(1, 23))


def test_partial_responses_stop_halfway(demo: DemoOrganisation) -> None:
    w = demo.wave("klant-2024")
    m = w.table.matrix
    partial = np.array([s == "partial" for s in w.statuses])
    assert 5 <= partial.sum() <= 40
    answered = ~np.isnan(m.values) | m.dont_know
    # complete responses answered every numeric item (or said "don't know") ...
    assert answered[~partial].all()
    # ... partials answered the start and not the end of the questionnaire
    assert answered[partial, 0].all()
    assert not answered[partial, -1].any()
    for row in np.flatnonzero(partial):
        first_gap = int(np.argmin(answered[row]))
        assert not answered[row, first_gap:].any(), "a partial stops, it does not skip"


def test_importance_points_sum_to_100(demo: DemoOrganisation) -> None:
    for key in ("klant-2024", "klant-2025"):
        m = matrix(demo, key)
        points = m.columns([f"w_{d}" for d in DIMENSIONS])
        filled = ~np.isnan(points).any(axis=1)
        assert filled.sum() > 300
        np.testing.assert_array_equal(points[filled].sum(axis=1), 100)
        assert np.isnan(points[~filled]).all(), "points are given in full or not at all"
        most = m.column("imp_most")[filled].astype(int) - 1
        assert (points[filled][np.arange(filled.sum()), most] == points[filled].max(axis=1)).all()
        # reliability gets the most points on average
        assert DIMENSIONS[int(np.argmax(points[filled].mean(axis=0)))] == "reliability"


def test_contacts_are_fictional_and_respondents_come_from_the_sample(
    demo: DemoOrganisation,
) -> None:
    for w in demo.waves:
        emails = w.sample.contacts["email"]
        assert emails.is_unique
        assert emails.str.endswith("@example.org").all()
        keys = [k for k in w.table.respondent_keys or [] if k is not None]
        assert set(keys) <= set(w.sample.contacts["external_id"])
    customers = demo.wave("klant-2025").table.respondent_keys or []
    anonymous = sum(k is None for k in customers)
    assert 0 < anonymous < len(customers) / 4, "customers may choose to be anonymous"
    for key in ("medewerkers-2025", "spiegel-2025", "management-2025", "voorspelling-2025"):
        w = demo.wave(key)
        assert w.study.anonymity == "anonymous"
        assert all(k is None for k in w.table.respondent_keys or [])
    assert demo.wave("medewerkers-2025").instrument.always_anonymous


def test_some_customers_answer_both_waves_consistently(demo: DemoOrganisation) -> None:
    first, second = demo.wave("klant-2024").table, demo.wave("klant-2025").table
    rows_a = {k: i for i, k in enumerate(first.respondent_keys or []) if k}
    rows_b = {k: i for i, k in enumerate(second.respondent_keys or []) if k}
    both = sorted(rows_a.keys() & rows_b.keys())
    assert len(both) >= 40
    perceptions = [f"p{i:02d}" for i in range(1, 23)]
    a = row_mean(first.matrix.columns(perceptions)[[rows_a[k] for k in both]])
    b = row_mean(second.matrix.columns(perceptions)[[rows_b[k] for k in both]])
    ok = ~np.isnan(a) & ~np.isnan(b)
    assert stats.pearsonr(a[ok], b[ok]).statistic > 0.3


def test_characteristics_include_a_segment_small_enough_to_suppress(
    demo: DemoOrganisation,
) -> None:
    for key in ("klant-2024", "klant-2025"):
        w = demo.wave(key)
        chars = w.table.characteristics
        assert list(chars.columns) == ["segment", "business_unit"]
        assert 3 <= chars["business_unit"].nunique() <= 5
        sizes = chars["segment"].value_counts()
        assert sizes.size == 4
        assert sizes.min() < w.study.min_group_size <= sizes.drop(sizes.idxmin()).min()
        assert list(w.table.matrix.characteristics["segment"]) == list(chars["segment"])


# -- planted patterns --------------------------------------------------------------------


def test_reliability_is_the_largest_shortfall(demo: DemoOrganisation) -> None:
    for key in ("klant-2024", "klant-2025"):
        m = matrix(demo, key)
        gaps = {d: dimension_gap(m, d) for d in DIMENSIONS}
        assert min(gaps, key=lambda d: gaps[d]) == "reliability"
        assert gaps["reliability"] < -1.0
        item_gaps = {i: item_mean(m, f"p{i:02d}") - item_mean(m, f"e{i:02d}") for i in range(1, 23)}
        assert min(item_gaps, key=lambda i: item_gaps[i]) == 7, "right the first time"
        g = respondent_gaps(m, "reliability")
        assert stats.ttest_1samp(g, 0).pvalue < 0.001


def test_responsiveness_improved_significantly(demo: DemoOrganisation) -> None:
    before = respondent_gaps(matrix(demo, "klant-2024"), "responsiveness")
    after = respondent_gaps(matrix(demo, "klant-2025"), "responsiveness")
    assert after.mean() - before.mean() > 0.4
    assert stats.ttest_ind(after, before, equal_var=False).pvalue < 0.05
    for other in ("tangibles", "assurance"):
        b = respondent_gaps(matrix(demo, "klant-2024"), other)
        a = respondent_gaps(matrix(demo, "klant-2025"), other)
        assert abs(a.mean() - b.mean()) < 0.25, f"{other} should stay about the same"


def test_staff_are_blind_to_the_reliability_problem(demo: DemoOrganisation) -> None:
    staff, customers = matrix(demo, "spiegel-2025"), matrix(demo, "klant-2025")
    mirror_gap = {
        d: dimension_mean(staff, "p", d) - dimension_mean(customers, "p", d) for d in DIMENSIONS
    }
    assert max(mirror_gap, key=lambda d: mirror_gap[d]) == "reliability"
    assert mirror_gap["reliability"] > 0.5
    s = row_mean(staff.columns(codes("p", "reliability")))
    c = row_mean(customers.columns(codes("p", "reliability")))
    assert stats.ttest_ind(answered(s), answered(c), equal_var=False).pvalue < 0.05


def test_management_underestimates_expected_empathy(demo: DemoOrganisation) -> None:
    managers, customers = matrix(demo, "management-2025"), matrix(demo, "klant-2025")
    gap1 = {
        d: dimension_mean(managers, "e", d) - dimension_mean(customers, "e", d) for d in DIMENSIONS
    }
    assert min(gap1, key=lambda d: gap1[d]) == "empathy"
    assert gap1["empathy"] < -0.5


def test_front_line_staff_read_customers_better_than_management(demo: DemoOrganisation) -> None:
    staff, managers = matrix(demo, "voorspelling-2025"), matrix(demo, "management-2025")
    customers = matrix(demo, "klant-2025")
    gap6 = dimension_mean(staff, "e", "empathy") - dimension_mean(customers, "e", "empathy")
    gap7 = dimension_mean(staff, "e", "empathy") - dimension_mean(managers, "e", "empathy")
    assert -0.8 < gap6 < 0
    assert gap7 > 0.3


@pytest.mark.parametrize("key", ["klant-2024", "klant-2025"])
def test_cronbach_alpha_is_realistic(demo: DemoOrganisation, key: str) -> None:
    m = matrix(demo, key)
    for d in DIMENSIONS:
        for part in ("e", "p"):
            alpha = cronbach_alpha(m.columns(codes(part, d)))
            assert 0.75 <= alpha <= 0.92, f"{part} {d}: alpha {alpha:.3f}"


def test_cvs_around_seven_and_nps_slightly_positive(demo: DemoOrganisation) -> None:
    for key in ("klant-2024", "klant-2025"):
        m = matrix(demo, key)
        parts = m.columns(["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"])
        cvs = parts[~np.isnan(parts).any(axis=1)].mean(axis=1)
        assert 6.8 <= cvs.mean() <= 7.8
        rec = answered(m.column("cvs_recommend"))
        nps = 100 * (np.mean(rec >= 9) - np.mean(rec <= 6))
        assert 0 < nps < 25, nps


def test_reliability_drives_the_overall_grade(demo: DemoOrganisation) -> None:
    m = matrix(demo, "klant-2025")
    grade = m.column("grade_overall")
    r = {}
    for d in DIMENSIONS:
        perception = row_mean(m.columns(codes("p", d)))
        ok = ~np.isnan(perception) & ~np.isnan(grade)
        r[d] = stats.pearsonr(perception[ok], grade[ok]).statistic
    assert max(r, key=lambda d: r[d]) == "reliability"
    assert all(v > 0.2 for v in r.values())


def test_employee_survey_has_answers_and_a_weak_spot(demo: DemoOrganisation) -> None:
    w = demo.wave("medewerkers-2025")
    m = w.table.matrix
    assert {"esat", "enps", "ic_research"} <= set(m.codes)
    enps = answered(m.column("enps"))
    assert -40 < 100 * (np.mean(enps >= 9) - np.mean(enps <= 6)) < 10
    ic = [c for c in m.codes if c.startswith("ic_") and c != "ic_grade"]
    assert min(ic, key=lambda c: item_mean(m, c)) == "ic_research"
    assert any(t is not None for t in w.table.texts["mto_comments"])
    assert set(w.table.characteristics.columns) == {"business_unit", "role"}
    unit = np.asarray(m.characteristics["business_unit"])
    esat = {u: item_mean(m.subset(unit == u), "esat") for u in set(unit) if (unit == u).sum() >= 10}
    assert min(esat, key=lambda u: esat[u]) == "Technisch beheer"


# -- other instruments ------------------------------------------------------------------


def _inline(variant: str, parts: str, *, points: int) -> Instrument:
    """A small SERVQUAL-like instrument on a ``points``-point agreement scale."""
    text = {"nl": "x", "en": "x"}
    sections = []
    for part in parts:
        for d, numbers in _STATEMENTS.items():
            items = [
                {
                    "code": f"{part}{i:02d}",
                    "text": text,
                    "scale": "agree",
                    "dimension": d,
                    "part": "expectation" if part == "e" else "perception",
                    "pair": f"{i:02d}",
                    "dont_know": part == "p",
                }
                for i in numbers
            ]
            sections.append({"id": f"{part}_{d}", "title": text, "items": items})
    sections.append(
        {
            "id": "extra",
            "title": text,
            "items": [
                {"code": "overall", "text": text, "scale": "grade"},
                {"code": "remarks", "text": text, "scale": "open", "required": False},
            ],
        }
    )
    return Instrument.parse(
        {
            "id": f"small_{variant}",
            "variant": variant,
            "title": text,
            "scales": [
                {"id": "agree", "kind": "agreement", "min": 1, "max": points},
                {"id": "grade", "kind": "grade", "min": 1, "max": 10},
                {"id": "open", "kind": "text"},
            ],
            "dimensions": [{"id": d, "label": text} for d in DIMENSIONS],
            "sections": sections,
        }
    )


def test_any_instrument_gets_valid_answers_on_its_own_scale() -> None:
    five = DemoInstruments(
        customer=_inline("customer", "ep", points=5),
        mirror=_inline("mirror", "ep", points=5),
        prediction=_inline("management_prediction", "e", points=5),
        employee=_inline("employee", "p", points=5),
        staff_prediction=_inline("staff_prediction", "e", points=5),
    )
    demo = generate(instruments=five)
    for w in demo.waves:
        m = w.table.matrix
        grades = answered(m.column("overall"))
        agreement = answered(m.columns([c for c in m.codes if c != "overall"]))
        assert set(np.unique(grades)) <= set(range(1, 11))
        assert set(np.unique(agreement)) <= {1, 2, 3, 4, 5}
        assert "remarks" in w.table.texts
    # the reliability shortfall survives the coarser scale
    m = demo.wave("klant-2024").table.matrix
    gaps = {d: dimension_gap(m, d) for d in DIMENSIONS}
    assert min(gaps, key=lambda d: gaps[d]) == "reliability"


def test_unknown_wave_key_names_the_waves(demo: DemoOrganisation) -> None:
    with pytest.raises(KeyError, match="klant-2024"):
        demo.wave("nope")


def test_waves_are_independent_streams(demo: DemoOrganisation) -> None:
    w: DemoWave = demo.wave("klant-2025")
    assert w.table.matrix.values.shape == (380, len(w.table.matrix.codes))
