"""What an anonymous response may keep (gapsight.domain.anonymity)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gapsight.domain.anonymity import (
    RESPONSE_ID_RANGE,
    coarse_time,
    keeps_choice,
    response_id,
    safe_snapshot,
    starts_anonymous,
)


def test_a_combination_of_large_groups_can_still_be_too_small() -> None:
    sample = (
        [{"segment": "A", "region": "N"}] * 3
        + [{"segment": "B", "region": "S"}] * 3
        + [{"segment": "A", "region": "S"}]
    )
    # segment A (4) and region S (4) are each large enough; together they are one person.
    assert safe_snapshot({"segment": "A", "region": "S"}, sample, min_group_size=4) == {
        "segment": "A"
    }
    assert safe_snapshot({"segment": "B", "region": "S"}, sample, min_group_size=3) == {
        "segment": "B",
        "region": "S",
    }
    assert safe_snapshot({"segment": None}, sample, min_group_size=1) == {}


values = st.sampled_from(["A", "B", "C"])


@given(
    st.lists(st.fixed_dictionaries({"x": values, "y": values}), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=10),
)
def test_what_is_kept_always_matches_enough_invitees(sample: list[dict[str, str]], k: int) -> None:
    for own in sample:
        kept = safe_snapshot(own, sample, min_group_size=k)
        matching = [r for r in sample if all(r[n] == v for n, v in kept.items())]
        assert len(matching) >= k or not kept


def test_times_keep_the_date_only() -> None:
    moment = dt.datetime(2026, 3, 1, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert coarse_time(moment) == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def test_ids_are_random_and_in_range() -> None:
    drawn = [response_id() for _ in range(50)]
    assert all(RESPONSE_ID_RANGE[0] <= i < RESPONSE_ID_RANGE[1] for i in drawn)
    assert len(set(drawn)) == 50 and drawn != sorted(drawn)


def test_only_customer_choice_studies_let_respondents_choose() -> None:
    assert keeps_choice("customer", "choice")
    assert not keeps_choice("employee", "choice")
    assert not keeps_choice("customer", "anonymous")
    assert starts_anonymous("customer", "choice") and not starts_anonymous("event", "identified")
    assert starts_anonymous("employee", "identified")
