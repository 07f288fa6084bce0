"""Builders for the closed-loop tests: a study whose flag rules are set before
fieldwork, and a respondent completing it through the real respondent service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from gapsight.domain.questionnaire import paginate
from gapsight.instruments import load_builtin
from gapsight.instruments.model import Instrument
from gapsight.io.table import SampleTable
from gapsight.services import cases, links, organisations, respondent, samples, studies
from gapsight.services.respondent import Link
from gapsight.store.database import unit_of_work

CVS = load_builtin("cvs")


def loop_study(
    engine: Engine,
    *,
    rules: Mapping[str, Any] | None = None,
    n: int = 4,
    segments: list[str] | None = None,
    flag_recipients: tuple[str, ...] = ("flags@veldhuis.example",),
    org_settings: Mapping[str, Any] | None = None,
    instrument: str = "cvs",
    organisation_id: int | None = None,
) -> tuple[int, dict[int, str]]:
    """A ``choice`` study of organisation Veldhuis (or of ``organisation_id``) in
    fieldwork with ``n`` named contacts (``Klant <i>``) and the given flag ``rules``
    (set while a draft)."""
    with unit_of_work(engine) as session:
        if organisation_id is None:
            organisation_id = organisations.create_organisation(
                session,
                "Veldhuis",
                sector="facilitair",
                settings=dict(
                    org_settings or {"cases": {"coordinator_email": "coordinator@veldhuis.example"}}
                ),
            ).id
        study = studies.create_study(
            session,
            organisation_id=organisation_id,
            name="KTO 2026",
            kind="customer",
            instrument=instrument,
            anonymity_mode="choice",
            min_group_size=3,
            flag_recipients=flag_recipients,
        )
        if rules is not None:
            cases.set_flag_rules(session, study.id, rules)
        contacts = pd.DataFrame(
            {
                "email": [f"klant{i}@example.org" for i in range(n)],
                "name": [f"Klant {i}" for i in range(n)],
                "language": ["nl"] * n,
                "external_id": [f"K{i:03d}" for i in range(n)],
            }
        )
        chars = (
            pd.DataFrame({"business_unit": segments}) if segments else pd.DataFrame(index=range(n))
        )
        samples.store_sample(session, study.id, SampleTable(contacts, chars))
        tokens = links.issue_tokens(session, study.id)
        studies.set_status(session, study.id, "fieldwork")
        return study.id, tokens


def complete(
    engine: Engine,
    token: str,
    answers: Mapping[str, str],
    *,
    anonymous: bool,
    now: dt.datetime,
    instrument: Instrument = CVS,
    default: str = "7",
    base_url: str = "https://gapsight.example",
) -> respondent.Submission:
    """Answer every page through the personal link ``token`` (``answers`` per code,
    ``default`` for the rest) and return the last page's submission."""
    link = Link("personal", token)
    respondent.start(engine, link, anonymous=anonymous, now=now)
    result = None
    for page in paginate(instrument, instrument.modules):
        form = [("_page", str(page.number))]
        form += [(code, answers.get(code, default)) for code in page.codes]
        result = respondent.submit(engine, link, page.number, form, now=now, base_url=base_url)
        assert result.saved, result.answers
    assert result is not None and result.next_page is None
    return result
