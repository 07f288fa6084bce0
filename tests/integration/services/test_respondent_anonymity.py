"""Anonymity, proven on the database content (issue 5, item 4).

Four invitees answer a ``choice`` study through their personal links: two stay
anonymous, one first allows contact and then changes to anonymous, one allows
contact. Then the test reads back *everything* — every column of every table, the
export and the pages — and checks that nothing links an anonymous response to its
invitation: no invitation id, token hash, respondent key, time of day or rare
characteristic is stored with it, and its (random) id occurs nowhere but in its own
row. The identified response, by contrast, keeps its link, so the test would notice
if the two were mixed up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, text

from gapsight.config import Settings
from gapsight.domain.anonymity import RESPONSE_ID_RANGE
from gapsight.domain.questionnaire import Page, paginate
from gapsight.instruments import load_builtin
from gapsight.services import exports, respondent
from gapsight.services.respondent import Link
from gapsight.services.samples import hash_token
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, Response
from gapsight.web.app import create_app

CVS = load_builtin("cvs")
AFTERNOON = dt.datetime(2026, 11, 23, 14, 37, 12, 345678, tzinfo=dt.UTC)
RESPONSE_COLUMNS = {
    "id",
    "wave_id",
    "instrument_version_id",
    "status",
    "anonymous",
    "invitation_id",
    "respondent_key",
    "characteristics",
    "started_at",
    "completed_at",
    "vector",
    "dont_know",
    "answers",
    "texts",
    "resume_hash",
    "pages",
}
"""Every column of ``responses`` this test has reviewed: a new column makes the test
fail until someone decides what it may hold for an anonymous response."""


def _form(page: Page, value: str) -> list[tuple[str, str]]:
    return [("_page", str(page.number)), *((code, value) for code in page.codes)]


def _dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as ``{column: value}``."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()
            out[table] = [dict(r) for r in rows]
    return out


def _occurrences(dump: dict[str, list[dict[str, Any]]], needle: str) -> list[str]:
    found = []
    for table, rows in dump.items():
        for row in rows:
            for column, value in row.items():
                shown = value.hex() if isinstance(value, bytes) else str(value)
                if re.search(rf"(?<![0-9a-zA-Z_-]){re.escape(needle)}(?![0-9a-zA-Z_-])", shown):
                    found.append(f"{table}.{column}")
    return found


def test_nothing_stored_links_an_anonymous_response_to_its_invitation(
    db_settings: Settings, db_engine: Engine, field_study: Callable[..., Any], tmp_path: Path
) -> None:
    segments = ["A", "A", "A", "A", "B", "B", "B", "C"]
    study_id, tokens = field_study(
        db_engine, instrument="cvs", anonymity_mode="choice", n=8, segments=segments
    )
    ids = list(tokens)
    anon_a, anon_c, switched_b, identified_a = ids[0], ids[7], ids[4], ids[1]
    (page,) = paginate(CVS, CVS.modules)

    def link(invitation_id: int) -> Link:
        return Link("personal", tokens[invitation_id])

    for who in (anon_a, anon_c):
        respondent.start(db_engine, link(who), anonymous=True, now=AFTERNOON)
        assert respondent.submit(db_engine, link(who), 1, _form(page, "9"), now=AFTERNOON).saved
    respondent.start(db_engine, link(switched_b), anonymous=False, now=AFTERNOON)
    with unit_of_work(db_engine) as session:
        old_id = session.scalars(
            select(Response.id).where(Response.invitation_id == switched_b)
        ).one()
    respondent.start(db_engine, link(switched_b), anonymous=True, now=AFTERNOON)
    respondent.submit(db_engine, link(switched_b), 1, _form(page, "3"), now=AFTERNOON)
    respondent.start(db_engine, link(identified_a), anonymous=False, now=AFTERNOON)
    respondent.submit(db_engine, link(identified_a), 1, _form(page, "7"), now=AFTERNOON)

    with unit_of_work(db_engine) as session:
        responses = list(session.scalars(select(Response)))
        invitations = {i.id: i for i in session.scalars(select(Invitation))}
        assert set(inspect(Response).columns.keys()) == RESPONSE_COLUMNS
    anonymous = [r for r in responses if r.anonymous]
    (identified,) = [r for r in responses if not r.anonymous]
    assert len(anonymous) == 3 and all(r.status == "complete" for r in responses)
    midnight = AFTERNOON.replace(hour=0, minute=0, second=0, microsecond=0)
    for r in anonymous:
        assert r.invitation_id is None and r.respondent_key is None
        assert r.resume_hash is None and r.started_at is None
        assert r.completed_at is not None
        assert r.completed_at.replace(tzinfo=dt.UTC) == midnight
        assert RESPONSE_ID_RANGE[0] <= r.id < RESPONSE_ID_RANGE[1]
        assert r.id != old_id
    # Characteristics: A (4 invited) and B (3) are groups of at least 3; C (1) is not,
    # and B is left out with it, so that "no segment" points at four people, not at C.
    assert sorted(str(r.characteristics) for r in anonymous) == sorted(
        ["{'segment': 'A'}", "None", "None"]
    )
    # The identified response keeps its link, exact time and respondent key.
    assert identified.invitation_id == identified_a and identified.respondent_key == "K001"
    assert identified.completed_at is not None and identified.completed_at.second == 12
    # Invitations only learn "completed", without a time; nothing else changed.
    assert {i for i, inv in invitations.items() if inv.completed} == {
        anon_a,
        anon_c,
        switched_b,
        identified_a,
    }
    assert all(inv.opened_at is None for inv in invitations.values())

    dump = _dump(db_engine)
    for r in anonymous:
        assert _occurrences(dump, str(r.id)) == ["responses.id"]
    assert _occurrences(dump, str(old_id)) == []
    for invitation_id in (anon_a, anon_c, switched_b):
        token = tokens[invitation_id]
        for secret in (token, hash_token(token), respondent.resume_hash(token)):
            assert _occurrences(dump, secret) in ([], ["invitations.token_hash"])
        assert _occurrences(dump, invitations[invitation_id].email) == ["invitations.email"]
        external = str(invitations[invitation_id].external_id)
        assert _occurrences(dump, external) == ["invitations.external_id"]
    anonymous_rows = [row for row in dump["responses"] if row["anonymous"]]
    for row in anonymous_rows:
        assert not any("14:37" in str(value) for value in row.values())

    # The export: no contact, key, invitation or time of day for anonymous rows.
    with unit_of_work(db_engine) as session:
        exports.export_wave(session, study_id, tmp_path / "wave.csv")
    exported = pd.read_csv(tmp_path / "wave.csv", dtype=str)
    assert len(exported) == 4
    flat = exported.to_csv()
    for invitation_id in (anon_a, anon_c, switched_b):
        assert invitations[invitation_id].email not in flat
        assert str(invitations[invitation_id].external_id) not in flat
    assert "14:37" not in flat and "invitation" not in ",".join(exported.columns)

    # The pages: the thank-you page of a finished link names no response.
    with TestClient(create_app(db_settings.with_(secret_key="p" * 48))) as client:
        page_text = client.get(f"/r/{tokens[anon_a]}/done").text
    for r in anonymous:
        assert str(r.id) not in page_text


def test_closing_fieldwork_seals_snapshots_and_forgets_reminders(
    db_engine: Engine, field_study: Callable[..., Any]
) -> None:
    """Privacy review D5 and D6. During fieldwork a snapshot is k-anonymous among the
    *invited*: segment B has three invited contacts, so B's only respondent keeps "B".
    But ``invitations.completed`` tells who responded, so at closing the snapshot must
    be shared by enough *responses*; and the sent reminders (who had not completed by
    when) are deleted."""
    from gapsight.services import studies
    from gapsight.store.models import OutboxMessage

    segments = ["A", "A", "A", "B", "B", "B"]
    study_id, tokens = field_study(
        db_engine, instrument="cvs", anonymity_mode="anonymous", n=6, segments=segments
    )
    ids = list(tokens)
    (page,) = paginate(CVS, CVS.modules)
    for who in (ids[0], ids[1], ids[2], ids[3]):  # three of A, one of B
        link = Link("personal", tokens[who])
        assert respondent.submit(db_engine, link, 1, _form(page, "8"), now=AFTERNOON).saved

    def snapshots() -> list[str]:
        with unit_of_work(db_engine) as session:
            found = session.scalars(select(Response.characteristics).where(Response.anonymous))
            return sorted(str(c) for c in found)

    assert snapshots() == sorted(["{'segment': 'A'}"] * 3 + ["{'segment': 'B'}"])
    with unit_of_work(db_engine) as session:
        for n, (invitation, kind, status) in enumerate(
            [
                (ids[4], "reminder", "sent"),
                (ids[5], "reminder", "pending"),
                (ids[4], "invitation", "sent"),
            ]
        ):
            session.add(
                OutboxMessage(
                    kind=kind,
                    dedupe_key=f"{kind}:{invitation}:{n}",
                    recipient=f"klant{n}@example.org",
                    subject="Herinnering",
                    invitation_id=invitation,
                    status=status,
                )
            )
    with unit_of_work(db_engine) as session:
        studies.set_status(session, study_id, "closed")
    assert snapshots() == sorted(["{'segment': 'A'}"] * 3 + ["None"])
    with unit_of_work(db_engine) as session:
        kinds = sorted(session.scalars(select(OutboxMessage.kind)))
    assert kinds == ["invitation"]
