"""The public form's spam rules: the signed time stamp and the address key."""

from __future__ import annotations

from gapsight.domain.intake import IntakeRules, address_key, check_stamp, make_stamp

RULES = IntakeRules(min_seconds=3, max_seconds=3600)


def test_a_stamp_is_accepted_between_the_minimum_and_maximum_age() -> None:
    stamp = make_stamp("k", 1000)
    assert check_stamp("k", stamp, 1002.9, RULES) == "too_fast"
    assert check_stamp("k", stamp, 1003, RULES) is None
    assert check_stamp("k", stamp, 4600, RULES) is None
    assert check_stamp("k", stamp, 4601, RULES) == "expired"


def test_a_changed_or_malformed_stamp_is_refused() -> None:
    moment, _, signature = make_stamp("k", 1000).partition(".")
    assert check_stamp("k", f"900.{signature}", 2000, RULES) == "stamp_invalid"  # older time
    assert check_stamp("k", f"{moment}.{signature[:-1]}0", 2000, RULES) == "stamp_invalid"
    for junk in ("", ".", "abc.def", "-5.x", "1000"):
        assert check_stamp("k", junk, 2000, RULES) == "stamp_invalid"


def test_the_address_key_hides_the_address_and_depends_on_the_secret() -> None:
    key = address_key("k", "192.0.2.1")
    assert "192" not in key and key == address_key("k", "192.0.2.1")
    assert key != address_key("k", "192.0.2.2") and key != address_key("other", "192.0.2.1")
