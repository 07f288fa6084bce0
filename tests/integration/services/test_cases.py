"""The closed loop on a real database (SQLite and PostgreSQL): flags raised by the
respondent service on completion, cases, history, clocks through the outbox, metrics."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from gapsight.domain.problems import InvalidInput
from gapsight.services import cases
from gapsight.store.database import unit_of_work
from gapsight.store.models import Case, CaseEvent, OutboxMessage, Study

from .loop_helpers import complete, loop_study

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 4, 24, 10, 0, tzinfo=AMS)  # Friday; Mon 27 April is King's Day


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with unit_of_work(engine) as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return rows


def test_a_contactable_detractor_opens_one_case_and_one_mail(db_engine: Engine) -> None:
    study_id, tokens = loop_study(db_engine)
    token = next(iter(tokens.values()))
    complete(db_engine, token, {"cvs_recommend": "3"}, anonymous=False, now=NOW)
    (mail,) = _outbox(db_engine)
    assert mail.kind == "flag" and mail.recipient == "flags@veldhuis.example"
    assert mail.subject == "Signalering: Klant 0 (KTO 2026)"
    text = mail.body_text or ""
    assert "klant0@example.org" in text and "K000" in text
    assert "Antwoord: 3" in text and "cvs_recommend 0–6 → detractor" in text
    with unit_of_work(db_engine) as session:
        (case,) = session.scalars(select(Case)).all()
        assert (case.kind, case.status, case.study_id) == ("detractor", "open", study_id)
        assert case.owner == "flags@veldhuis.example"
        assert f"https://gapsight.example/cases/{case.id}" in text
        assert case.respondent_name == "Klant 0" and case.respondent_email == "klant0@example.org"
        kinds = [e.kind for e in cases.events_of(session, case.id)]
        assert kinds == ["status", "mail"]


def test_anonymous_and_passive_respondents_raise_nothing(db_engine: Engine) -> None:
    _, tokens = loop_study(db_engine)
    first, second, third, _ = tokens.values()
    complete(db_engine, first, {"cvs_recommend": "2"}, anonymous=True, now=NOW)
    complete(db_engine, second, {"cvs_recommend": "8"}, anonymous=False, now=NOW)
    complete(db_engine, third, {"cvs_recommend": "10"}, anonymous=False, now=NOW)
    (mail,) = _outbox(db_engine)  # only the promoter
    assert mail.subject.startswith("Kans: Klant 2")
    with unit_of_work(db_engine) as session:
        assert [c.kind for c in session.scalars(select(Case))] == ["promoter"]


def test_a_page_sent_again_after_completion_raises_no_second_flag(db_engine: Engine) -> None:
    from gapsight.services import respondent
    from gapsight.services.respondent import Link, LinkError

    _, tokens = loop_study(db_engine)
    token = next(iter(tokens.values()))
    complete(db_engine, token, {"cvs_recommend": "0"}, anonymous=False, now=NOW)
    with pytest.raises(LinkError):
        respondent.submit(
            db_engine, Link("personal", token), 1, [("_page", "1"), ("cvs_recommend", "0")]
        )
    assert len(_outbox(db_engine)) == 1
    # Even when the service is asked directly, the case exists: nothing new.
    with unit_of_work(db_engine) as session:
        case = session.scalars(select(Case)).one()
        from gapsight.store.models import Invitation, Response

        response = session.get(Response, case.response_id)
        invitation = session.get(Invitation, case.invitation_id)
        study = session.get(Study, case.study_id)
        assert response is not None and study is not None
        again = cases.raise_flags(
            session,
            study=study,
            response=response,
            invitation=invitation,
            instrument=cases.as_instrument(study.instrument_version),
            answers={"cvs_recommend": 0.0},
            now=NOW,
        )
        assert again is None
        assert session.scalar(select(func.count()).select_from(Case)) == 1
    assert len(_outbox(db_engine)) == 1


def test_recipients_follow_the_business_unit_with_a_fallback(db_engine: Engine) -> None:
    rules = {
        "rules": [
            {"kind": "score", "code": "cvs_recommend", "label": "detractor", "min": 0, "max": 6},
            {"kind": "score", "code": "cvs_satisfaction", "label": "detractor", "max": 5, "min": 0},
        ],
        "recipients": {
            "characteristic": "business_unit",
            "by_value": {"Noord": "noord@veldhuis.example"},
            "fallback": ["rest@veldhuis.example"],
        },
    }
    _, tokens = loop_study(db_engine, rules=rules, segments=["Noord", "Zuid", "Noord", "Zuid"])
    first, second, *_ = tokens.values()
    complete(db_engine, first, {"cvs_satisfaction": "4"}, anonymous=False, now=NOW)
    complete(db_engine, second, {"cvs_recommend": "5"}, anonymous=False, now=NOW)
    assert [m.recipient for m in _outbox(db_engine)] == [
        "noord@veldhuis.example",
        "rest@veldhuis.example",
    ]
    with unit_of_work(db_engine) as session:
        assert [c.segment for c in cases.list_cases(session)] == ["Noord", "Zuid"]
        assert [c.id for c in cases.list_cases(session, segment="Zuid")] == [2]


def test_flag_rules_are_locked_once_fieldwork_starts(db_engine: Engine) -> None:
    study_id, _ = loop_study(db_engine)
    with unit_of_work(db_engine) as session, pytest.raises(InvalidInput) as caught:
        cases.set_flag_rules(session, study_id, {"rules": [{"kind": "grade"}]})
    assert caught.value.problems[0].code == "rules_locked"


def test_unknown_codes_in_rules_are_refused(db_engine: Engine) -> None:
    from gapsight.services import organisations, studies

    with unit_of_work(db_engine) as session:
        org = organisations.create_organisation(session, "X")
        study = studies.create_study(
            session, organisation_id=org.id, name="S", kind="customer", instrument="cvs"
        )
        with pytest.raises(InvalidInput) as caught:
            cases.set_flag_rules(
                session,
                study.id,
                {"rules": [{"kind": "score", "code": "nope", "min": 0, "max": 1}]},
            )
        assert caught.value.problems[0].code == "code_unknown"


def test_status_changes_and_reassignment_are_in_the_history(db_engine: Engine) -> None:
    _, tokens = loop_study(db_engine)
    a, b, *_ = tokens.values()
    complete(db_engine, a, {"cvs_recommend": "1"}, anonymous=False, now=NOW)
    complete(db_engine, b, {"cvs_recommend": "9"}, anonymous=False, now=NOW)
    later = NOW + dt.timedelta(days=3)
    with unit_of_work(db_engine) as session:
        with pytest.raises(InvalidInput):
            cases.change_status(session, 1, "forwarded", by="ann@x.nl", at=later)
        cases.change_status(
            session, 1, "forwarded", by="ann@x.nl", at=later, contact_person="Piet de Vries"
        )
        cases.change_status(
            session, 1, "followed_up", by="piet@x.nl", at=later, note="Called, solved"
        )
        assert cases.reassign(session, [1, 2], "Bob@X.nl", by="coord@x.nl", at=later) == 2
        assert cases.reassign(session, [1, 2], "bob@x.nl", by="coord@x.nl", at=later) == 0
        history = [(e.kind, e.by, e.what) for e in cases.events_of(session, 1)]
    assert history[2:] == [
        ("status", "ann@x.nl", "status open → forwarded: forwarded to Piet de Vries"),
        ("status", "piet@x.nl", "status forwarded → followed_up: Called, solved"),
        ("assign", "coord@x.nl", "owner flags@veldhuis.example → bob@x.nl"),
    ]


def test_clocks_remind_and_escalate_once_across_kings_day(db_engine: Engine) -> None:
    _, tokens = loop_study(db_engine)
    complete(
        db_engine, next(iter(tokens.values())), {"cvs_recommend": "2"}, anonymous=False, now=NOW
    )
    # Flagged Fri 24 April 2026; Mon 27 April is King's Day: forward due Mon 4 May
    # (5 working days: 28, 29, 30 April, 1 and 4 May), the reminder one working day
    # before, from Fri 1 May 00:00 (5 May is no holiday: 2026 is no lustrum year),
    # escalation from Tue 5 May 00:00.
    moments = [
        dt.datetime(2026, 4, 30, 23, 59, tzinfo=AMS),
        dt.datetime(2026, 5, 1, 0, 0, tzinfo=AMS),
        dt.datetime(2026, 5, 4, 23, 0, tzinfo=AMS),
        dt.datetime(2026, 5, 5, 0, 0, tzinfo=AMS),
        dt.datetime(2026, 5, 6, 9, 0, tzinfo=AMS),
    ]
    queued = []
    for moment in moments:
        with unit_of_work(db_engine) as session:
            queued.append(
                [(m.clock, m.occasion, m.recipient) for m in cases.run_clocks(session, now=moment)]
            )
    assert queued == [
        [],
        [("forward", "reminder", "flags@veldhuis.example")],
        [],
        [("forward", "escalation", "coordinator@veldhuis.example")],
        [],
    ]
    subjects = [m.subject for m in _outbox(db_engine) if m.kind.startswith("case_")]
    assert subjects == [
        "Case 1: doorsturen uiterlijk 2026-05-04",
        "Case 1: doorsturen is te laat (uiterlijk 2026-05-04)",
    ]
    with unit_of_work(db_engine) as session:
        overdue = cases.list_cases(session, overdue=True, now=moments[-1])
        assert [c.id for c in overdue] == [1]
        cases.change_status(
            session, 1, "forwarded", by="a@x.nl", at=moments[-1], contact_person="Piet"
        )
        assert cases.list_cases(session, overdue=True, now=moments[-1]) == []
        events = session.scalars(select(CaseEvent.what).where(CaseEvent.kind == "mail")).all()
        assert len(events) == 3  # the flag, the reminder, the escalation


def test_loop_metrics_agree_with_a_hand_count(db_engine: Engine) -> None:
    """Six contacts, five flagged (one passive), calendar-day deadlines of 7 and 30 days.

    Hand count at NOW + 40 days:
    - case 1 (detractor): forwarded after 2 days, followed up after 10 days → both on time
    - case 2 (detractor): forwarded after 9 days (late), followed up after 20 → follow-up on time
    - case 3 (promoter): forwarded after 4 days, never followed up → follow-up overdue
    - case 4 (promoter): followed up directly after 6 days → both on time (follow-up counts
      as forwarding)
    - case 5 (detractor): nothing, closed after 35 days with a reason → not overdue
    flags 5 (2 promoters, 3 detractors); forwarded 4, on time 3 (cases 1, 3, 4);
    followed up 3, on time 3; median days to forward of 2, 9, 4, 6 = 5.0; to follow up
    of 10, 20, 6 = 10.0; open now 1 (case 3); overdue now 1 (case 3).
    """
    settings = {
        "cases": {
            "forward": {"amount": 7, "unit": "calendar_days"},
            "follow_up": {"amount": 30, "unit": "calendar_days"},
            "coordinator_email": "c@x.nl",
        }
    }
    study_id, tokens = loop_study(db_engine, n=6, org_settings=settings)
    answers = ["1", "4", "9", "10", "0", "7"]
    for token, value in zip(tokens.values(), answers, strict=True):
        complete(db_engine, token, {"cvs_recommend": value}, anonymous=False, now=NOW)
    day = dt.timedelta(days=1)
    with unit_of_work(db_engine) as session:
        change = cases.change_status
        change(session, 1, "forwarded", by="a", at=NOW + 2 * day, contact_person="P")
        change(session, 1, "followed_up", by="a", at=NOW + 10 * day, note="ok")
        change(session, 2, "forwarded", by="a", at=NOW + 9 * day, contact_person="P")
        change(session, 2, "followed_up", by="a", at=NOW + 20 * day, note="ok")
        change(session, 3, "forwarded", by="a", at=NOW + 4 * day, contact_person="P")
        change(session, 4, "followed_up", by="a", at=NOW + 6 * day, note="reference")
        change(session, 5, "closed", by="a", at=NOW + 35 * day, note="moved abroad")
        metrics = cases.loop_metrics(session, study_id=study_id, now=NOW + 40 * day)
        empty = cases.loop_metrics(
            session, study_id=study_id, now=NOW, since=NOW + day, until=NOW + 2 * day
        )
    assert metrics.as_dict() == {
        "flags": 5,
        "promoters": 2,
        "detractors": 3,
        "forwarded": 4,
        "forwarded_on_time": 3,
        "share_forwarded_on_time": 0.6,
        "followed_up": 3,
        "followed_up_on_time": 3,
        "share_followed_up_on_time": 0.6,
        "median_days_to_forward": 5.0,
        "median_days_to_follow_up": 10.0,
        "open_now": 1,
        "overdue_now": 1,
    }
    assert empty.flags == 0 and empty.share_forwarded_on_time is None


def test_the_report_hook_gets_the_wave_metrics(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The management summary's optional hook (docs/reports.md): a module
    ``gapsight.services.loop_metrics`` with ``register_loop_metrics`` and
    ``LoopMetrics``. Here a stand-in module of that shape records the provider."""
    import sys
    import types
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class HookMetrics:
        flagged: int
        closed: int
        on_time: int
        overdue: int = 0

    registered: list[object] = []
    hook = types.ModuleType(cases.REPORT_HOOK)
    hook.LoopMetrics = HookMetrics  # type: ignore[attr-defined]
    hook.register_loop_metrics = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, cases.REPORT_HOOK, hook)
    assert cases.register_report_hook() and len(registered) == 1
    study_id, tokens = loop_study(db_engine)
    for token, value in zip(tokens.values(), ["1", "10", "3", "8"], strict=True):
        complete(db_engine, token, {"cvs_recommend": value}, anonymous=False, now=NOW)
    with unit_of_work(db_engine) as session:
        cases.change_status(
            session, 2, "followed_up", by="a", at=NOW + dt.timedelta(days=1), note="reference"
        )
        cases.change_status(session, 3, "closed", by="a", at=NOW, note="duplicate")
        provider = registered[0]
        assert callable(provider)
        assert cases.report_metrics(session, study_id, now=NOW + dt.timedelta(days=60)) == (
            HookMetrics(flagged=3, closed=2, on_time=1, overdue=1)
        )
        assert isinstance(provider(session, study_id), HookMetrics)


def test_imported_identified_responses_are_flagged_once(db_engine: Engine) -> None:
    """A paper round typed in by an agency: identified responses matched to the sample
    by the respondent key; the rules apply as on the web, and only once."""
    import numpy as np
    import pandas as pd

    from gapsight.analysis.matrix import ResponseMatrix
    from gapsight.io.table import ResponseTable
    from gapsight.services.responses import store_table

    study_id, _ = loop_study(db_engine)
    table = ResponseTable(
        instrument_ref="cvs@1",
        matrix=ResponseMatrix(
            codes=("cvs_satisfaction", "cvs_loyalty", "cvs_recommend"),
            values=np.array([[7, 7, 2], [8, 8, 9], [7, 7, 7], [3, 3, 0]], dtype=np.float64),
        ),
        texts={},
        characteristics=pd.DataFrame(index=range(4)),
        respondent_keys=["K000", "K001", "K002", None],
    )
    with unit_of_work(db_engine) as session:
        store_table(session, study_id, table, anonymous=False, now=NOW)
        opened = cases.flag_responses(session, study_id, now=NOW)
        # K000 detractor, K001 promoter, K002 passive; the last has no key: nobody to call
        assert [(c.respondent_key, c.kind) for c in opened] == [
            ("K000", "detractor"),
            ("K001", "promoter"),
        ]
        assert cases.flag_responses(session, study_id, now=NOW) == []
    assert [m.subject for m in _outbox(db_engine)] == [
        "Signalering: Klant 0 (KTO 2026)",
        "Kans: Klant 1 (KTO 2026)",
    ]
