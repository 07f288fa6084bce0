"""What an anonymous response may keep (gapsight.domain.anonymity)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gapsight.domain.anonymity import (
    RESPONSE_ID_RANGE,
    coarse_time,
    generalise_snapshots,
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
    # Region N (3) is too small, so region is left out for S too (else "no region" would
    # point at the three of N); likewise segment B (3), so nothing is kept.
    assert safe_snapshot({"segment": "A", "region": "S"}, sample, min_group_size=4) == {}
    # With 3: region (first by name) keeps N (3) and S (4); within S, segment A is one
    # person, so segment is left out for all four of S.
    assert safe_snapshot({"segment": "B", "region": "S"}, sample, min_group_size=3) == {
        "region": "S"
    }
    assert safe_snapshot({"segment": "A", "region": "N"}, sample, min_group_size=3) == {
        "region": "N",
        "segment": "A",
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


def test_leaving_a_value_out_does_not_single_anyone_out() -> None:
    # Review finding: the one contact of region S used to be the only one whose snapshot
    # lacked the region, which named them as surely as keeping it would have.
    sample = [{"segment": "A", "region": "N"}] * 5 + [{"segment": "A", "region": "S"}]
    snapshots = [safe_snapshot(own, sample, min_group_size=5) for own in sample]
    assert snapshots == [{"segment": "A"}] * 6
    # A small group is hidden together with the next smallest one, the rest is kept.
    sample = [{"segment": "A"}] * 4 + [{"segment": "B"}] * 3 + [{"segment": "C"}]
    snapshots = [safe_snapshot(own, sample, min_group_size=3) for own in sample]
    assert snapshots == [{"segment": "A"}] * 4 + [{}] * 4


maybe = st.sampled_from(["A", "B", "C", None])


@given(
    st.lists(st.fixed_dictionaries({"x": maybe, "y": maybe, "z": maybe}), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=10),
)
def test_every_snapshot_is_shared_by_enough_invitees(
    sample: list[dict[str, str | None]], k: int
) -> None:
    # What an observer of the stored response sees (the snapshot, kept values and left-out
    # ones alike) is the same for at least k invitees, or for everybody.
    snapshots = [
        tuple(sorted(safe_snapshot(own, sample, min_group_size=k).items())) for own in sample
    ]
    for snapshot in set(snapshots):
        assert snapshots.count(snapshot) >= min(k, len(sample))


def test_a_snapshot_too_rare_among_responses_is_shortened() -> None:
    # Among the *invited*, segment B of region N may be common; among the responses
    # it is one: that response keeps only what it shares with two others.
    snapshots = [
        {"region": "N", "segment": "A"},
        {"region": "N", "segment": "A"},
        {"region": "N", "segment": "A"},
        {"region": "N", "segment": "B"},
        {"region": "S", "segment": "A"},
        None,
    ]
    out = generalise_snapshots(snapshots, min_group_size=3)
    assert out[:3] == [{"region": "N", "segment": "A"}] * 3
    # {region N} alone is held by this response only, so it goes too; so does S's.
    assert out[3:] == [None, None, None]
    assert snapshots[3] == {"region": "N", "segment": "B"}  # the input is not changed


def test_shortened_snapshots_can_form_a_group_together() -> None:
    snapshots = [{"region": "N", "segment": s} for s in "ABCD"] + [{"region": "N"}]
    assert generalise_snapshots(snapshots, min_group_size=3) == [{"region": "N"}] * 5


_SNAPSHOT = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "region": st.sampled_from(["N", "S"]),
            "segment": st.sampled_from(["A", "B", "C"]),
            "size": st.integers(1, 3),
        },
    ),
)


@given(st.lists(_SNAPSHOT, max_size=40), st.integers(2, 6))
def test_every_generalised_snapshot_is_shared_by_enough_responses(
    snapshots: list[dict[str, object] | None], k: int
) -> None:
    out = generalise_snapshots(snapshots, min_group_size=k)
    assert len(out) == len(snapshots)
    for before, after in zip(snapshots, out, strict=True):
        assert after is None or (after and after.items() <= (before or {}).items())
        if after:
            assert sum(1 for other in out if other == after) >= k
