"""Answer blocks are never served stale, and loading from them equals loading from rows.

Every test runs on SQLite and PostgreSQL. After each change to a wave — a web page
submission, an import, a status change, a deletion, an anonymity switch, a change
made with plain SQL — the wave loaded by ``load_wave`` is compared with the truth
read from the ``responses`` rows through the ORM (ids, statuses, keys, values with
``NaN``, don't-know mask, texts, characteristics, in id order).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select, text, update

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.domain.questionnaire import paginate
from gapsight.instruments.registry import parse_yaml
from gapsight.io.table import ResponseTable
from gapsight.services import links, respondent, studies
from gapsight.services.instruments import register
from gapsight.services.organisations import create_organisation
from gapsight.services.respondent import Link
from gapsight.services.responses import WaveData, load_wave, store_table
from gapsight.store import blocks
from gapsight.store.answers import decode
from gapsight.store.database import unit_of_work
from gapsight.store.models import AnswerVersion, Response

SEVEN = (
    """
id: seven
version: 1
title: {nl: Zeven, en: Seven}
scales:
  - {id: a5, kind: agreement, min: 1, max: 5}
  - {id: open, kind: text}
sections:
  - id: s1
    title: {nl: Deel, en: Part}
    items:
"""
    + "".join(
        f"      - {{code: q{i}, scale: a5, dont_know: true, text: {{nl: V{i}, en: Q{i}}}}}\n"
        for i in range(1, 8)
    )
    + "      - {code: remark, scale: open, required: false, text: {nl: Opm, en: Remark}}\n"
)

INSTRUMENT = parse_yaml(SEVEN)
CODES = INSTRUMENT.numeric_codes()


def _study(engine: Engine, anonymity_mode: str = "choice") -> int:
    with unit_of_work(engine) as session:
        org = create_organisation(session, "Acme")
        version = register(session, INSTRUMENT)
        study = studies.create_study(
            session,
            organisation_id=org.id,
            name="wave",
            kind="customer",
            instrument=version.id,
            anonymity_mode=anonymity_mode,
        )
        studies.set_status(session, study.id, "fieldwork")
        return study.id


def _table(n: int, seed: int, *, keys: bool = False) -> ResponseTable:
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(n, len(CODES))).astype(np.float64)
    values[rng.random(values.shape) < 0.1] = np.nan
    dk = rng.random(values.shape) < 0.05
    values[dk] = np.nan
    return ResponseTable(
        instrument_ref="seven@1",
        matrix=ResponseMatrix(codes=CODES, values=values, dont_know=dk),
        texts={"remark": [None if i % 3 else f"opmerking {seed}-{i}" for i in range(n)]},
        characteristics=pd.DataFrame({"segment": [f"s{(i + seed) % 4}" for i in range(n)]}),
        respondent_keys=[f"k{seed}-{i}" for i in range(n)] if keys else None,
    )


def _import(engine: Engine, wave_id: int, n: int, seed: int, **kwargs: Any) -> None:
    with unit_of_work(engine) as session:
        store_table(session, wave_id, _table(n, seed, keys=kwargs.pop("keys", False)), **kwargs)


def _truth(engine: Engine, wave_id: int) -> dict[str, Any]:
    """The wave read row by row through the ORM, without blocks or ``load_wave``."""
    with unit_of_work(engine) as session:
        rows = session.scalars(
            select(Response).where(Response.wave_id == wave_id).order_by(Response.id)
        ).all()
        values, dk = decode([r.vector for r in rows], [r.dont_know for r in rows], len(CODES))
        return {
            "ids": [r.id for r in rows],
            "statuses": [r.status for r in rows],
            "keys": [r.respondent_key for r in rows],
            "values": values,
            "dk": dk,
            "remarks": [(r.texts or {}).get("remark") for r in rows],
            "segments": [(r.characteristics or {}).get("segment") for r in rows],
        }


def _assert_equal(wave: WaveData, truth: dict[str, Any]) -> None:
    assert wave.response_ids.tolist() == truth["ids"]
    assert wave.statuses.tolist() == truth["statuses"]
    assert wave.respondent_keys == truth["keys"]
    assert np.array_equal(wave.matrix.values, truth["values"], equal_nan=True)
    assert wave.matrix.dont_know is not None
    assert np.array_equal(wave.matrix.dont_know, truth["dk"])
    assert wave.texts.get("remark", [None] * wave.n) == truth["remarks"]
    if any(s is not None for s in truth["segments"]):
        assert wave.matrix.characteristics["segment"].tolist() == truth["segments"]


def _cached(engine: Engine, wave_id: int) -> bool:
    """Whether the wave has a complete set of current blocks."""
    with engine.connect() as conn:
        return blocks.read_current(conn, wave_id) is not None


def _check(engine: Engine, wave_id: int) -> WaveData:
    """Load twice (the second time from the blocks the first load stored) and compare
    both with the rows."""
    truth = _truth(engine, wave_id)
    first = load_wave(engine, wave_id)
    _assert_equal(first, truth)
    assert _cached(engine, wave_id)
    second = load_wave(engine, wave_id)
    _assert_equal(second, truth)
    return second


def _open_link(engine: Engine, wave_id: int) -> str:
    with unit_of_work(engine) as session:
        return links.enable_open_link(session, wave_id)


def _answer_page(engine: Engine, link: Link, number: int, value: str) -> None:
    page = paginate(INSTRUMENT, INSTRUMENT.modules)[number - 1]
    form = [("_page", str(number)), *((c, value) for c in page.codes if c != "remark")]
    result = respondent.submit(engine, link, number, form)
    assert result.saved


def test_import_writes_current_blocks_equal_to_the_rows(db_engine: Engine) -> None:
    wave_id = _study(db_engine, "identified")
    _import(db_engine, wave_id, 300, seed=1, keys=True)
    assert _cached(db_engine, wave_id)  # written by the import itself
    _assert_equal(load_wave(db_engine, wave_id), _truth(db_engine, wave_id))
    with db_engine.begin() as conn:  # force the rebuild path: the same result
        conn.execute(text("DELETE FROM answer_blocks"))
    wave = _check(db_engine, wave_id)
    assert wave.n == 300 and wave.respondent_keys[0] == "k1-0"


def test_import_then_web_pages_partial_to_complete(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 50, seed=2)
    _check(db_engine, wave_id)
    public = _open_link(db_engine, wave_id)
    _, resume = respondent.start(db_engine, Link("open", public))
    link = Link("open", public, resume)
    assert not _cached(db_engine, wave_id)  # the new (started) response made them stale
    wave = _check(db_engine, wave_id)
    assert wave.n == 51
    _answer_page(db_engine, link, 1, "4")
    assert not _cached(db_engine, wave_id)
    wave = _check(db_engine, wave_id)
    web = int(np.flatnonzero(wave.response_ids >= 2**52)[0])
    assert wave.statuses[web] == "partial" and wave.matrix.values[web, 0] == 4
    _answer_page(db_engine, link, 2, "dk")
    wave = _check(db_engine, wave_id)
    assert wave.statuses[web] == "complete"
    assert (
        wave.matrix.dont_know is not None
        and bool(wave.matrix.dont_know[web, -1])
        and np.isnan(wave.matrix.values[web, -1])
    )


def test_two_imports_into_one_wave(db_engine: Engine) -> None:
    """The second import appends blocks to the first one's (tagging the whole set
    with its version); the second file has no don't-know answers, the first has."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 120, seed=3)
    first = _check(db_engine, wave_id)
    second_file = _table(80, seed=4)
    assert second_file.matrix.dont_know is not None
    second_file.matrix.dont_know[:] = False
    with unit_of_work(db_engine) as session:
        store_table(session, wave_id, second_file)
    assert _cached(db_engine, wave_id)  # appended, not left to the next load
    _assert_equal(load_wave(db_engine, wave_id), _truth(db_engine, wave_id))
    empty = ResponseTable(
        instrument_ref="seven@1",
        matrix=ResponseMatrix(codes=CODES, values=np.zeros((0, len(CODES)))),
        texts={},
        characteristics=pd.DataFrame(index=range(0)),
    )
    with unit_of_work(db_engine) as session:  # an empty file keeps them current too
        store_table(session, wave_id, empty)
    assert _cached(db_engine, wave_id)
    second = _check(db_engine, wave_id)
    assert second.n == 200
    assert second.response_ids[:120].tolist() == first.response_ids.tolist()
    with db_engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM answer_blocks WHERE wave_id = :w"), {"w": wave_id}
        ).scalar()
    assert count == 2  # one block per import (rebuilding would have made one)


def test_an_import_after_web_responses(db_engine: Engine) -> None:
    """Web responses have random ids far above the imported ones; an import after
    them appends (SQLite: its ids follow the largest) or leaves the blocks to the
    next load (PostgreSQL: sequence ids below the web ids) — loading is right either
    way."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 30, seed=23)
    public = _open_link(db_engine, wave_id)
    _, resume = respondent.start(db_engine, Link("open", public))
    _answer_page(db_engine, Link("open", public, resume), 1, "5")
    _check(db_engine, wave_id)
    _import(db_engine, wave_id, 20, seed=24)
    wave = _check(db_engine, wave_id)
    assert wave.n == 51 and list(wave.response_ids) == sorted(wave.response_ids)


def test_deletion_status_change_and_plain_sql_make_blocks_stale(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 60, seed=5)
    ids = _check(db_engine, wave_id).response_ids.tolist()
    with unit_of_work(db_engine) as session:
        session.execute(delete(Response).where(Response.id.in_(ids[10:20])))
    assert not _cached(db_engine, wave_id)
    assert _check(db_engine, wave_id).n == 50
    with unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == ids[0]).values(status="partial"))
    assert _check(db_engine, wave_id).statuses[0] == "partial"
    with db_engine.begin() as conn:  # what someone at an SQL prompt might do
        conn.execute(
            text("UPDATE responses SET vector = :v WHERE id = :id"),
            {"v": np.full(len(CODES), 2.0, dtype="<f4").tobytes(), "id": ids[1]},
        )
    assert _check(db_engine, wave_id).matrix.values[1].tolist() == [2.0] * len(CODES)
    with db_engine.begin() as conn:
        conn.execute(
            text("UPDATE responses SET characteristics = NULL WHERE id = :id"), {"id": ids[2]}
        )
    assert _check(db_engine, wave_id).matrix.characteristics["segment"][2] is None


def test_moving_a_response_to_another_wave_changes_both(db_engine: Engine) -> None:
    first, second = _study(db_engine), _study(db_engine)
    _import(db_engine, first, 10, seed=16)
    _import(db_engine, second, 10, seed=17)
    moved = _check(db_engine, first).response_ids[0]
    _check(db_engine, second)
    with unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == int(moved)).values(wave_id=second))
    assert not _cached(db_engine, first) and not _cached(db_engine, second)
    assert _check(db_engine, first).n == 9 and _check(db_engine, second).n == 11


def test_a_column_that_loading_does_not_read_leaves_blocks_current(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 10, seed=6)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE responses SET resume_hash = NULL, pages = NULL"))
    assert _cached(db_engine, wave_id)


def test_switching_to_anonymous_replaces_the_id_everywhere(db_engine: Engine) -> None:
    """A response made anonymous gets a new id; the blocks holding its old id are
    deleted with the change (not merely marked stale)."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 5, seed=7)
    public = _open_link(db_engine, wave_id)
    _, resume = respondent.start(db_engine, Link("open", public))
    _answer_page(db_engine, Link("open", public, resume), 1, "3")
    before = _check(db_engine, wave_id)
    web_id = int(before.response_ids[before.response_ids >= 2**52][0])
    with unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == web_id).values(id=web_id + 1))
    with db_engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM answer_blocks WHERE wave_id = :w"), {"w": wave_id}
        ).scalar()
    assert left == 0
    after = _check(db_engine, wave_id)
    assert web_id not in after.response_ids.tolist() and web_id + 1 in after.response_ids


def test_blocks_built_at_an_old_version_are_not_stored_or_served(db_engine: Engine) -> None:
    """The race of a rebuild with a concurrent write: the loader read the rows at
    version v, a writer commits, then the loader tries to store its blocks."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 20, seed=8)
    with db_engine.connect() as conn:
        old = blocks.read_current(conn, wave_id)
        at_version = blocks.version(conn, wave_id)
    assert old is not None
    with unit_of_work(db_engine) as session:  # the concurrent write
        session.execute(
            update(Response).where(Response.wave_id == wave_id).values(status="started")
        )
    assert blocks.store(db_engine, wave_id, at_version, old) is False
    assert not _cached(db_engine, wave_id)
    # blocks tagged with an old version, written behind the guard's back, are ignored
    with db_engine.begin() as conn:
        blocks.write(conn, wave_id, at_version, blocks.encode_blocks(old))
    assert not _cached(db_engine, wave_id)
    assert set(_check(db_engine, wave_id).statuses) == {"started"}


def test_the_bulk_switch_is_off_after_an_import(db_engine: Engine) -> None:
    """After an import, inserts in the same and in later transactions raise the
    version again (the import's trigger bypass does not leak)."""
    wave_id = _study(db_engine)
    with unit_of_work(db_engine) as session:
        store_table(session, wave_id, _table(5, seed=9))
        session.flush()
        after_import = session.get(AnswerVersion, wave_id)
        assert after_import is not None
        version = after_import.version
        store_table(session, wave_id, _table(3, seed=10))
    with db_engine.connect() as conn:
        assert blocks.version(conn, wave_id) == version + 1
    _import(db_engine, wave_id, 2, seed=11)
    test_the_triggers_exist_at_the_newest_revision(db_engine)
    _check(db_engine, wave_id)
    row = _truth(db_engine, wave_id)["ids"][0]
    with db_engine.connect() as conn:
        before = blocks.version(conn, wave_id)
    with unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == row).values(status="partial"))
    with db_engine.connect() as conn:
        assert blocks.version(conn, wave_id) == before + 1


def test_a_failed_import_leaves_blocks_and_version_as_they_were(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 10, seed=12)
    with db_engine.connect() as conn:
        before = blocks.version(conn, wave_id)
    with pytest.raises(RuntimeError), unit_of_work(db_engine) as session:
        store_table(session, wave_id, _table(10, seed=13))
        raise RuntimeError("something after the insert fails")
    with db_engine.connect() as conn:
        assert blocks.version(conn, wave_id) == before
    assert _cached(db_engine, wave_id)
    assert _check(db_engine, wave_id).n == 10


def test_an_import_failing_halfway_keeps_the_trigger(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import switches the insert trigger off while it runs; when it fails
    halfway the rollback leaves the trigger (and the version) as they were."""
    from gapsight.services import responses

    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 4, seed=20)
    with db_engine.connect() as conn:
        before = blocks.version(conn, wave_id)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(responses, "CHUNK_SIZE", 3)
    monkeypatch.setattr(blocks, "encode_blocks", broken)
    with pytest.raises(RuntimeError, match="disk full"), unit_of_work(db_engine) as session:
        store_table(session, wave_id, _table(7, seed=21))
    monkeypatch.undo()
    with db_engine.connect() as conn:
        assert blocks.version(conn, wave_id) == before
    test_the_triggers_exist_at_the_newest_revision(db_engine)
    with unit_of_work(db_engine) as session:  # and the triggers work: a change raises it
        session.execute(
            update(Response).where(Response.wave_id == wave_id).values(status="partial")
        )
    with db_engine.connect() as conn:
        assert blocks.version(conn, wave_id) > before
    assert _check(db_engine, wave_id).n == 4


def test_deleting_a_study_deletes_its_blocks(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 10, seed=14)
    with unit_of_work(db_engine) as session:
        session.delete(studies.get_study(session, wave_id))
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM answer_blocks")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM responses")).scalar() == 0


def test_an_empty_wave_and_a_wave_older_than_the_blocks(db_engine: Engine) -> None:
    wave_id = _study(db_engine)
    assert load_wave(db_engine, wave_id).n == 0
    assert _cached(db_engine, wave_id)  # "no responses" is cached too
    _import(db_engine, wave_id, 15, seed=15)
    with db_engine.begin() as conn:  # as if written before migration 0008
        conn.execute(text("DELETE FROM answer_blocks"))
        conn.execute(text("DELETE FROM answer_versions"))
    assert _check(db_engine, wave_id).n == 15


def test_the_triggers_exist_at_the_newest_revision(db_engine: Engine) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table (Alembic's
    batch mode does): a later migration that rebuilds ``responses`` must create them
    again, or blocks would be served stale. This test notices."""
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'responses'"
        if db_engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE tgrelid = 'responses'::regclass "
        "AND NOT tgisinternal"
    )
    with db_engine.connect() as conn:
        names = set(conn.execute(text(query)).scalars())
    assert {f"answer_versions_on_{op}" for op in ("insert", "update", "delete")} <= names


def test_loading_inside_a_writing_transaction_sees_its_changes(db_engine: Engine) -> None:
    """``load_wave(session)`` after a write in the same, uncommitted transaction reads
    the changed rows; blocks built from them are not stored (the transaction might
    still roll back), and the wave loads correctly after the commit."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 12, seed=18)
    first = int(_check(db_engine, wave_id).response_ids[0])
    with unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == first).values(status="started"))
        inside = load_wave(session, wave_id)
        assert inside.statuses[0] == "started"
    assert not _cached(db_engine, wave_id)
    assert _check(db_engine, wave_id).statuses[0] == "started"
    with pytest.raises(RuntimeError), unit_of_work(db_engine) as session:
        session.execute(update(Response).where(Response.id == first).values(status="partial"))
        assert load_wave(session, wave_id).statuses[0] == "partial"
        raise RuntimeError("roll back")
    assert _cached(db_engine, wave_id)  # the rollback undid the trigger's delete too
    assert _check(db_engine, wave_id).statuses[0] == "started"


def test_awkward_texts_survive_the_bulk_insert(db_engine: Engine) -> None:
    """Tabs, newlines, backslashes and non-ASCII text in keys, texts and
    characteristics (PostgreSQL's ``COPY`` text is built column-wise and escaped)."""
    wave_id = _study(db_engine, "identified")
    awkward: list[str | None] = ["a\tb", "c\\d", "e\nf\r", "ü €", "\\N", '"q"']
    n = len(awkward)
    base = _table(n, seed=19)
    values = base.matrix.values.copy()
    values[0] = np.nan  # a row with no answer at all
    dk = np.zeros_like(values, dtype=np.bool_)  # no don't know anywhere
    odd = ResponseTable(
        instrument_ref="seven@1",
        matrix=ResponseMatrix(codes=CODES, values=values, dont_know=dk),
        texts={"remark": awkward[::-1]},
        characteristics=pd.DataFrame({"segment": awkward}),
        respondent_keys=awkward,
    )
    with unit_of_work(db_engine) as session:
        store_table(session, wave_id, odd, anonymous=False)
    wave = load_wave(db_engine, wave_id)
    assert wave.respondent_keys == awkward
    assert wave.texts["remark"] == awkward[::-1]
    assert wave.matrix.characteristics["segment"].tolist() == awkward
    assert np.isnan(wave.matrix.values[0]).all() and wave.statuses[0] == "partial"  # a remark
    _assert_equal(wave, _truth(db_engine, wave_id))
    with db_engine.begin() as conn:
        conn.execute(text("DELETE FROM answer_blocks"))
    _check(db_engine, wave_id)


def test_an_in_memory_database_keeps_the_callers_transaction() -> None:
    """In-memory SQLite hands every checkout the same connection: storing blocks
    from inside a caller's transaction must not touch (roll back) it."""
    from gapsight.config import Settings
    from gapsight.store.database import make_engine
    from gapsight.store.models import Base

    engine = make_engine(Settings(database_url="sqlite://"))
    Base.metadata.create_all(engine)  # no triggers: only the storing is tested here
    wave_id = _study(engine)
    with unit_of_work(engine) as session:
        store_table(session, wave_id, _table(3, seed=22))
        session.execute(text("DELETE FROM answer_blocks"))
        assert load_wave(session, wave_id).n == 3
        assert session.execute(text("SELECT count(*) FROM responses")).scalar() == 3
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM responses")).scalar() == 3
    engine.dispose()


def test_an_incomplete_or_inconsistent_set_of_blocks_is_not_served(db_engine: Engine) -> None:
    """``read_current`` serves a set only when its blocks are numbered 0 … n-1 and all
    say n: a block missing, extra, or claiming another count makes the load read the
    rows (and store a proper set again)."""
    wave_id = _study(db_engine)
    _import(db_engine, wave_id, 12, seed=12)
    assert _cached(db_engine, wave_id)
    copy_as = (
        "INSERT INTO answer_blocks (wave_id, seq, version, blocks, rows, data) "
        "SELECT wave_id, :seq, version, :count, rows, data FROM answer_blocks "
        "WHERE wave_id = :w AND seq = 0"
    )
    tamperings = [
        ("UPDATE answer_blocks SET blocks = 2 WHERE wave_id = :w", {}),  # one missing
        (copy_as, {"seq": 1, "count": 1}),  # an extra block beyond the count
        (copy_as, {"seq": 2, "count": 2}),  # a gap: 0 and 2 of 2
    ]
    for statement, values in tamperings:
        with db_engine.begin() as conn:
            conn.execute(text(statement), {"w": wave_id, **values})
        assert not _cached(db_engine, wave_id), statement
        assert _check(db_engine, wave_id).n == 12  # rows read, a proper set stored
