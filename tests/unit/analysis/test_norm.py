"""Tests for analysis.norm: the rule of certification.md ("≥ 7 or improved ≥ 10 pp",
default +1.0 point; relative +10 % by setting). Expected outcomes follow from that text."""

from __future__ import annotations

from gapsight.analysis.norm import NormRule, check_norm
from gapsight.analysis.result import Undefined


def test_level_rule() -> None:
    c = check_norm(7.0)
    assert c.met and c.rule_applied == "level" and c.meets_level
    assert isinstance(c.improvement, Undefined)


def test_improvement_of_one_point_meets_norm_despite_float_noise() -> None:
    # 2.3 - 1.3 == 0.9999999999999998 in binary floating point
    assert 2.3 - 1.3 < 1.0
    c = check_norm(2.3, previous=1.3)
    assert c.met and c.rule_applied == "improvement_points"
    c2 = check_norm(6.0, previous=5.01)
    assert not c2.met and c2.rule_applied == "not_met"


def test_relative_rule() -> None:
    rule = NormRule(relative=True)
    assert check_norm(5.5, previous=5.0, rule=rule).met  # +10 % exactly
    assert not check_norm(5.4, previous=5.0, rule=rule).met
    assert check_norm(5.5, previous=5.0, rule=rule).rule_applied == "improvement_relative"
    assert "10%" in rule.describe()


def test_undefined_score_is_reported_not_crashed() -> None:
    c = check_norm(Undefined("no valid answers"), previous=6.0)
    assert not c.met and c.rule_applied == "undefined"
    assert c.to_frame()["rule_applied"].iloc[0] == "undefined"
