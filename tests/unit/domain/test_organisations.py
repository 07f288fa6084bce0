"""Organisation settings: defaults and checks."""

from __future__ import annotations

from gapsight.domain.organisations import DEFAULTS, check_organisation, resolved


def test_defaults_fill_in_what_is_not_stored() -> None:
    assert resolved(None) == dict(DEFAULTS)
    assert resolved({"period_months": 6, "custom": 1}) == {
        **DEFAULTS,
        "period_months": 6,
        "custom": 1,
    }


def test_checks() -> None:
    assert check_organisation("Acme", {}) == []
    codes = [
        p.code
        for p in check_organisation(
            "", {"language": "de", "improvement_rule": "both", "period_months": True}
        )
    ]
    assert codes == [
        "name_empty",
        "language_unknown",
        "improvement_rule_unknown",
        "period_months_range",
    ]
