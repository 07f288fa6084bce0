"""The analysis document: JSON-able, no NaN, every null explained, numbers as computed."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gapsight
import gapsight.instruments
from gapsight.analysis.result import Undefined, is_defined
from gapsight.services.analysis_document import (
    FORMAT,
    NOT_FINITE,
    VERSION,
    build_document,
    dumps,
    record,
)

ALLOWED_NULLS = {"source", "options.dont_know_code", "options.population"}
"""Nulls that mean "not given" rather than "could not be computed"."""


def wave(n: int = 40, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    cols: dict[str, Any] = {}
    for i in range(1, 23):
        cols[f"e{i:02d}"] = np.clip(np.rint(5.8 + 0.5 * g + rng.normal(0, 0.8, n)), 1, 7)
        cols[f"p{i:02d}"] = np.clip(np.rint(5.0 + 0.8 * g + rng.normal(0, 0.8, n)), 1, 7)
    for c in ("cvs_satisfaction", "cvs_loyalty", "cvs_recommend"):
        cols[c] = np.clip(np.rint(7 + 1.5 * g + rng.normal(0, 1, n)), 0, 10)
    cols["grade_overall"] = np.clip(np.rint(7 + g + rng.normal(0, 1, n)), 1, 10)
    return pd.DataFrame(cols)


def unexplained_nulls(node: Any, path: str = "") -> list[str]:
    """Paths of ``null`` values that have no reason next to them."""
    found: list[str] = []
    if isinstance(node, dict):
        reasons = node.get("reasons", {})
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if value is None and key not in reasons and here not in ALLOWED_NULLS:
                found.append(here)
            found += unexplained_nulls(value, here)
    elif isinstance(node, list):
        for value in node:
            found += unexplained_nulls(value, f"{path}[]")
    return found


# ---------------------------------------------------------------------------- record
def test_record_turns_undefined_into_null_with_reason() -> None:
    out = record(code="01", t=Undefined("fewer than 2 complete pairs"), n=1)
    assert out == {"code": "01", "t": None, "n": 1, "reasons": {"t": "fewer than 2 complete pairs"}}


def test_record_catches_stray_nan_and_unwraps_numpy() -> None:
    out = record(a=float("nan"), b=np.float64(1.5), c=np.int64(3), d=[np.int32(1)])
    assert out == {"a": None, "b": 1.5, "c": 3, "d": [1], "reasons": {"a": NOT_FINITE}}
    assert type(out["c"]) is int


def test_record_without_undefined_has_no_reasons_key() -> None:
    assert record(x=1.0) == {"x": 1.0}


def test_dumps_refuses_nan() -> None:
    with pytest.raises(ValueError):
        dumps({"x": math.nan})


# ------------------------------------------------------------------- build_document
def test_document_header_and_numbers() -> None:
    frame = wave()
    doc = build_document(gapsight.analyze(frame, ["servqual22", "cvs"]), source="w.csv")
    assert (doc["format"], doc["version"], doc["source"], doc["n"]) == (
        FORMAT,
        VERSION,
        "w.csv",
        40,
    )
    assert doc["instrument"]["combined_from"] == ["servqual22@1", "cvs@1"]
    item = doc["servqual"]["items"][2]
    assert item["code"] == "03"
    assert item["gap"] == pytest.approx(frame["p03"].mean() - frame["e03"].mean())
    assert doc["servqual"]["weighted"] is None
    assert "importance points" in doc["servqual"]["reasons"]["weighted"]
    assert "weighted_gap" not in doc["servqual"]["overall"]
    assert doc["grades"][0]["code"] == "grade_overall"
    assert doc["precision"]["margin_pp"] == pytest.approx(100 * 1.959964 * (0.25 / 40) ** 0.5)
    assert doc["precision"]["population"] is None and doc["precision"]["reasons"]["population"]
    assert unexplained_nulls(doc) == []
    json.loads(dumps(doc))


def test_swapping_e_and_p_negates_every_gap() -> None:
    frame = wave()
    swapped = frame.rename(
        columns={**{f"e{i:02d}": f"p{i:02d}" for i in range(1, 23)},
                 **{f"p{i:02d}": f"e{i:02d}" for i in range(1, 23)}}
    )  # fmt: skip
    a = build_document(gapsight.analyze(frame, "servqual22"))["servqual"]
    b = build_document(gapsight.analyze(swapped, "servqual22"))["servqual"]
    for x, y in zip(a["items"], b["items"], strict=True):
        assert y["gap"] == pytest.approx(-x["gap"])
        assert y["t"] == pytest.approx(-x["t"])
    assert b["overall"]["gap"] == pytest.approx(-a["overall"]["gap"])


@pytest.mark.parametrize(
    "case",
    ["one respondent", "constant items", "all don't know", "empty wave"],
)
def test_degenerate_waves_give_nulls_with_reasons_never_nan(case: str) -> None:
    frame = wave()
    if case == "one respondent":
        frame = frame.iloc[[0]]
    elif case == "constant items":
        frame[[f"p{i:02d}" for i in range(1, 23)]] = 4.0
    elif case == "all don't know":
        frame[[f"p{i:02d}" for i in range(1, 23)]] = 8.0
    else:
        frame = frame.iloc[:0]
    doc = build_document(gapsight.analyze(frame, ["servqual22", "cvs"], dont_know_code=8))
    text = dumps(doc)
    assert "NaN" not in text
    assert unexplained_nulls(doc) == []
    if case in ("one respondent", "empty wave"):
        # fewer respondents than the minimum group size (5): nothing but the count
        assert doc["servqual"] is None and doc["cvs"] is None and doc["nps"] is None
        assert "minimum group size" in doc["reasons"]["servqual"]
    else:
        assert doc["servqual"] is not None


def test_a_wave_smaller_than_the_minimum_group_size_shows_no_numbers() -> None:
    """analysis.md: the minimum group size applies to the n behind every displayed
    number (employee surveys always). Four respondents, minimum 5: only the count."""
    frame = wave().iloc[:4]
    doc = build_document(gapsight.analyze(frame, ["servqual22", "cvs"], dont_know_code=8))
    assert doc["n"] == 4
    for section in ("servqual", "servperf", "reliability", "cvs", "nps"):
        assert doc[section] is None
        assert "minimum group size" in doc["reasons"][section]
    allowed = build_document(
        gapsight.analyze(frame, ["servqual22", "cvs"], dont_know_code=8, min_group_size=3)
    )
    assert allowed["cvs"] is not None


def test_sections_that_do_not_apply_are_null_with_a_reason() -> None:
    frame = wave()[["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"]]
    doc = build_document(gapsight.analyze(frame, "cvs"))
    for section in ("servqual", "servperf", "reliability", "grades"):
        assert doc[section] is None
        assert doc["reasons"][section]
    assert doc["drivers"] == [] and doc["breakdowns"] == {}


def test_breakdown_cells_suppressed_with_reason() -> None:
    frame = wave()
    frame["segment"] = ["tiny"] * 2 + ["big"] * 38
    doc = build_document(gapsight.analyze(frame, "cvs", by=["segment"]))
    rows = {r["code"]: r for r in doc["breakdowns"]["segment"]}
    tiny = next(g for g in rows["cvs"]["groups"] if g["group"] == "tiny")
    assert tiny["n"] is None and tiny["reasons"]["n"]
    assert "mean" not in tiny
    assert rows["nps"]["total"]["mean"] == pytest.approx(doc["nps"]["score"])
    assert unexplained_nulls(doc) == []


def test_published_status_does_not_tell_small_from_complementary_cells() -> None:
    """A reader who knows the rule must not learn which hidden group is the small one
    (groups of 6 and 3 with minimum 5: both hidden, both published alike)."""
    import numpy as np

    from gapsight.analysis.breakdown import breakdown
    from gapsight.services.analysis_document import breakdowns_section

    groups = np.array(["a"] * 6 + ["b"] * 3 + ["c"] * 20)
    values = np.arange(len(groups), dtype=float) % 7 + 1
    table = breakdown(values, groups, code="x", by="segment", min_n=5)
    cells = {c.group: c for c in table.cells}
    assert cells["a"].suppressed and cells["b"].suppressed

    class _Table:
        breakdowns = (table,)

    doc = breakdowns_section(_Table())  # type: ignore[arg-type]
    published = {g["group"]: g for g in doc[0]["groups"]}
    assert published["a"]["status"] == published["b"]["status"] == "suppressed"
    assert published["a"]["reasons"] == published["b"]["reasons"]


def test_norm_checks_say_which_rule_was_applied() -> None:
    # certification.md: "Reports must say which rule was applied" (+1.0 point or +10 %)
    frame = wave()
    doc = build_document(gapsight.analyze(frame, ["servqual22", "cvs"]))
    for section in (doc["cvs"], *doc["grades"]):
        assert section["norm_rule_applied"] in {
            "level",
            "improvement_points",
            "improvement_relative",
            "not_met",
            "undefined",
        }
        assert section["norm_rule_applied"] == ("level" if section["norm_met"] else "not_met")
        assert "improved by at least 1 point" in section["norm_rule"]


def test_aggregated_servqual_values_carry_the_item_n_range() -> None:
    """analysis.md: every statistic reports its n; dimension and overall values rest on
    items with different n, so the document gives the smallest and largest item n."""
    frame = wave()
    frame.loc[frame.index[:7], "e03"] = np.nan  # item 03 (tangibles) has 33 pairs
    doc = build_document(gapsight.analyze(frame, ["servqual22", "cvs"]))
    sq = doc["servqual"]
    n_pairs = {it["code"]: it["n_pairs"] for it in sq["items"]}
    assert n_pairs["03"] == int(np.count_nonzero(frame["e03"].notna() & frame["p03"].notna()))
    tangibles = sq["by_item_means"]["dimensions"][0]
    assert tangibles["dimension"] == "tangibles"
    assert (tangibles["n_min"], tangibles["n_max"]) == (33, 40)
    assert (sq["overall"]["n_min"], sq["overall"]["n_max"]) == (33, 40)
    assert sq["by_item_means"]["overall"]["n_min"] == min(n_pairs.values())
    assert unexplained_nulls(doc) == []


def _small_item_wave(codes: list[str], low: int, high: int, small: str) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({c: rng.integers(low, high + 1, 20).astype(float) for c in codes})
    frame.loc[frame.index[3:], small] = np.nan  # answered by 3 of 20
    return frame


def test_employee_item_answered_by_fewer_than_the_minimum_is_withheld() -> None:
    """analysis.md: the minimum group size applies to the n behind every displayed
    number; employee surveys always. 20 MTO respondents, one item answered by 3."""
    mto = gapsight.instruments.load_builtin("mto")
    agree5 = [i.code for s in mto.sections for i in s.items if i.scale == "agree5"]
    frame = _small_item_wave(agree5, 1, 5, "drv_support")
    a = gapsight.analyze(frame, "mto")
    d = a.descriptives.item("drv_support")
    assert d.n == 0 and not is_defined(d.mean)
    assert a.descriptives.item("drv_feedback").n == 20
    withheld = [w for w in a.warnings if w.code == "item_withheld"]
    assert [w.subject for w in withheld] == ["drv_support"]
    assert "fewer than 5 answers: withheld to protect anonymity" in withheld[0].message
    doc = build_document(a)
    item = next(it for it in doc["descriptives"] if it["code"] == "drv_support")
    assert item["mean"] is None and item["n"] == 0
    assert any(w["code"] == "item_withheld" for w in doc["warnings"])
    assert unexplained_nulls(doc) == []
    assert not np.isnan(frame["drv_support"].iloc[0])  # the caller's data is unchanged
    # a minimum of 3 lets the 3 answers through
    assert gapsight.analyze(frame, "mto", min_group_size=3).descriptives.item("drv_support").n == 3


def test_customer_item_answered_by_few_is_withheld_too() -> None:
    """analysis.md: "the threshold applies to the n behind every displayed number" —
    not only on employee surveys. 20 CVS respondents, loyalty answered by 3: its mean,
    and the CVS that needs all three parts, are not shown."""
    frame = _small_item_wave(["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"], 0, 10,
                             "cvs_loyalty")  # fmt: skip
    a = gapsight.analyze(frame, "cvs")
    d = a.descriptives.item("cvs_loyalty")
    assert d.n == 0 and not is_defined(d.mean)
    assert a.cvs is not None and a.cvs.n == 0 and not is_defined(a.cvs.score.mean)
    assert [w.subject for w in a.warnings if w.code == "item_withheld"] == ["cvs_loyalty"]
    shown = gapsight.analyze(frame, "cvs", min_group_size=3).descriptives.item("cvs_loyalty")
    assert shown.n == 3 and shown.mean == pytest.approx(frame["cvs_loyalty"].mean())
