"""Storing response tables and loading waves back, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select, text

from gapsight.services.responses import load_wave, store_table
from gapsight.store.database import unit_of_work
from gapsight.store.models import Response

from .helpers import make_study, table

NAN = np.nan


def test_round_trip_values_dont_know_texts_and_characteristics(db_engine: Engine) -> None:
    chars = pd.DataFrame(
        {
            "segment": pd.Series(["A", "B", None], dtype="str"),
            "size": pd.Series([10, None, 30], dtype="Int64"),
            "since": pd.to_datetime(["2020-01-05", None, "2024-03-01"]),
            "vip": [True, False, True],
        }
    )
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        result = store_table(
            session,
            study.id,
            table(
                [[5, NAN, 3], [1, 2, NAN], [NAN, NAN, NAN]],
                dk=[[False, True, False], [False, False, False], [False, False, False]],
                remarks=["goed", None, None],
                characteristics=chars,
                keys=["k1", None, "k3"],
            ),
            anonymous=False,
        )
        wave_id = study.id
    assert result.stored == 3
    assert result.statuses == {"complete": 2, "started": 1}

    wave = load_wave(db_engine, wave_id)
    assert wave.matrix.codes == ("q1", "q2", "q3")
    np.testing.assert_array_equal(wave.matrix.values, [[5, NAN, 3], [1, 2, NAN], [NAN, NAN, NAN]])
    assert wave.matrix.dont_know is not None
    assert wave.matrix.dont_know.tolist() == [
        [False, True, False],
        [False, False, False],
        [False, False, False],
    ]
    assert wave.statuses.tolist() == ["complete", "complete", "started"]
    assert wave.respondent_keys == ["k1", None, "k3"]
    assert wave.texts == {"remark": ["goed", None, None]}
    assert wave.characteristic_types == {
        "segment": "string",
        "size": "integer",
        "since": "date",
        "vip": "boolean",
    }
    c = wave.matrix.characteristics
    assert c["segment"].tolist() == ["A", "B", None]
    np.testing.assert_array_equal(c["size"], [10, NAN, 30])
    assert c["since"].tolist() == [dt.date(2020, 1, 5), None, dt.date(2024, 3, 1)]
    assert c["vip"].tolist() == [True, False, True]
    assert wave.study.min_group_size == 5 and wave.study.kind == "customer"
    assert wave.response_ids.tolist() == sorted(wave.response_ids.tolist())


def test_answers_json_is_queryable_and_agrees_with_vector(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        store_table(
            session,
            study.id,
            table([[5, NAN, 3], [1, 2, NAN]], dk=[[False, True, False], [False, False, False]]),
        )
        wave_id = study.id
    with db_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT json_extract(answers, '$.q2') FROM responses ORDER BY id"
        else:
            query = "SELECT answers->>'q2' FROM responses ORDER BY id"
        got = [r[0] for r in conn.execute(text(query))]
        stored = conn.execute(select(Response.answers).order_by(Response.id)).scalars().all()
    assert [str(g) for g in got] == ["dk", "2"]
    assert stored[0] == {"q1": 5, "q2": "dk", "q3": 3}
    assert stored[1] == {"q1": 1, "q2": 2}
    assert load_wave(db_engine, wave_id).n == 2


def test_partial_and_subset_of_columns(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        # Only q1 and q3 present in the file: q2 (required) is missing everywhere.
        result = store_table(session, study.id, table([[4, 2], [3, NAN]], codes=("q1", "q3")))
        wave_id = study.id
    assert result.statuses == {"partial": 2}
    wave = load_wave(db_engine, wave_id)
    np.testing.assert_array_equal(wave.matrix.values, [[4, NAN, 2], [3, NAN, NAN]])


def test_anonymous_responses_get_date_only_times(db_engine: Engine) -> None:
    stamp = dt.datetime(2026, 5, 4, 13, 37, 21, tzinfo=dt.UTC)
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        store_table(session, study.id, table([[1, 1, 1]]), now=stamp)
        store_table(session, study.id, table([[2, 2, 2]]), anonymous=False, now=stamp)
    with unit_of_work(db_engine) as session:
        rows = session.execute(
            select(Response.anonymous, Response.completed_at).order_by(Response.id)
        ).all()
    assert rows[0][0] is True
    assert (rows[0][1].hour, rows[0][1].minute, rows[0][1].second) == (0, 0, 0)
    assert rows[1][0] is False
    assert (rows[1][1].hour, rows[1][1].minute) == (13, 37)


def test_employee_study_refuses_identified_responses(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session, kind="employee", anonymity_mode="anonymous")
        with pytest.raises(ValueError, match="anonymous"):
            store_table(session, study.id, table([[1, 1, 1]]), anonymous=False)


def test_wrong_instrument_version_is_refused_and_nothing_stored(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        wave_id = study.id
    bad = table([[1, 1, 1]])
    bad = type(bad)(
        instrument_ref="small@2",
        matrix=bad.matrix,
        characteristics=bad.characteristics,
    )
    with pytest.raises(ValueError, match="small@2"), unit_of_work(db_engine) as session:
        store_table(session, wave_id, bad)
    assert load_wave(db_engine, wave_id).n == 0


def test_failure_midway_rolls_back_everything(db_engine: Engine) -> None:
    from gapsight.services import responses

    with unit_of_work(db_engine) as session:
        wave_id = make_study(session).id
    original = responses.CHUNK_SIZE
    responses.CHUNK_SIZE = 2
    calls: list[int] = []

    def boom(done: int, total: int) -> None:
        calls.append(done)
        if done >= 4:
            raise RuntimeError("disk full")

    try:
        with pytest.raises(RuntimeError), unit_of_work(db_engine) as session:
            store_table(session, wave_id, table([[1, 1, 1]] * 5), progress=boom)
    finally:
        responses.CHUNK_SIZE = original
    assert calls == [2, 4]
    assert load_wave(db_engine, wave_id).n == 0


def test_texts_json_keeps_unicode(db_engine: Engine) -> None:
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        store_table(session, study.id, table([[1, 1, 1]], remarks=["prima – €"]))
    with db_engine.connect() as conn:
        raw = conn.execute(select(Response.texts)).scalar_one()
    assert (json.loads(raw) if isinstance(raw, str) else raw) == {"remark": "prima – €"}


def test_loading_a_wave_reads_responses_once(engine: Engine) -> None:
    """The design rule: one sequential read of the wave, not a query per respondent —
    of its answer blocks when they are current, else of its rows (once)."""
    from sqlalchemy import event

    with unit_of_work(engine) as session:
        wave_id = make_study(session).id
        store_table(session, wave_id, table([[1, 2, 3]] * 40, remarks=["x"] * 40))
    statements: list[str] = []

    @event.listens_for(engine, "connect")
    def trace(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.set_trace_callback(statements.append)  # type: ignore[attr-defined]

    engine.dispose()  # new connections get the trace callback
    wave = load_wave(engine, wave_id)
    assert wave.n == 40
    assert [s for s in statements if "FROM responses" in s] == []  # the import's blocks
    assert len([s for s in statements if "FROM answer_blocks" in s]) == 1
    with engine.begin() as conn:  # any change to a response makes the blocks stale
        conn.exec_driver_sql(
            "UPDATE responses SET status = 'partial' WHERE wave_id = ?", (wave_id,)
        )
    statements.clear()
    wave = load_wave(engine, wave_id)
    reads = [s for s in statements if "FROM responses" in s]
    assert wave.n == 40 and set(wave.statuses) == {"partial"}
    assert len(reads) == 1 and "ORDER BY id" in reads[0]
    statements.clear()
    assert load_wave(engine, wave_id).n == 40  # the rebuilt blocks were stored
    assert [s for s in statements if "FROM responses" in s] == []


def test_anonymous_storage_keeps_no_respondent_key(db_engine: Engine) -> None:
    """Issue 5: nothing stored with an anonymous response may link it to a person, so a
    respondent key in the file is dropped (it would pair the answers across waves)."""
    with unit_of_work(db_engine) as session:
        study = make_study(session)
        store_table(
            session,
            study.id,
            table([[5, 4, 3], [1, 2, 3]], keys=["k1", "k2"]),
            anonymous=True,
        )
        wave_id = study.id
    assert load_wave(db_engine, wave_id).respondent_keys == [None, None]


def test_anonymous_characteristics_are_sealed_over_the_closed_wave(db_engine: Engine) -> None:
    """Privacy review D4: anonymous imported responses keep only the characteristics
    each shares with at least the minimum group size of the wave's responses — at
    closing (over the whole wave), or at once when the wave is closed already;
    identified ones keep everything."""
    from gapsight.services.studies import set_status

    chars = pd.DataFrame({"region": ["N"] * 4 + ["S"], "segment": ["A", "A", "A", "B", "A"]})
    rows = [[5, 4, 3]] * 5
    with unit_of_work(db_engine) as session:
        open_wave = make_study(session, min_group_size=3)
        store_table(session, open_wave.id, table(rows, characteristics=chars), anonymous=True)
        closed = make_study(session, min_group_size=3)
        set_status(session, closed.id, "fieldwork")
        set_status(session, closed.id, "closed")
        store_table(session, closed.id, table(rows, characteristics=chars), anonymous=True)
        identified = make_study(session, min_group_size=3)
        store_table(session, identified.id, table(rows, characteristics=chars), anonymous=False)
        set_status(session, identified.id, "fieldwork")
        set_status(session, identified.id, "closed")
        ids = open_wave.id, closed.id, identified.id
    # In fieldwork: as imported (the residual risk of review D5).
    assert load_wave(db_engine, ids[0]).matrix.characteristics["segment"].tolist()[3] == "B"
    with unit_of_work(db_engine) as session:
        set_status(session, ids[0], "fieldwork")
        set_status(session, ids[0], "closed")
    for wave_id in ids[:2]:
        c = load_wave(db_engine, wave_id).matrix.characteristics
        # (N, A) ×3 stay; (N, B) and (S, A) are alone, and so would be N and S alone.
        assert c["region"].tolist() == ["N", "N", "N", None, None]
        assert c["segment"].tolist() == ["A", "A", "A", None, None]
    kept = load_wave(db_engine, ids[2]).matrix.characteristics
    assert kept["segment"].tolist() == ["A", "A", "A", "B", "A"]
