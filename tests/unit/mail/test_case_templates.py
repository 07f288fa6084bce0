"""The closed loop's mail templates render in both languages, with a plain-text and
an HTML part, and leave nothing out."""

from __future__ import annotations

from typing import Any

import pytest

from gapsight.mail.render import compose, kinds

FLAG: dict[str, Any] = {
    "organisation": "Veldhuis",
    "study": "KTO 2026",
    "kind": "detractor",
    "name": "Anna de Boer",
    "email": "anna@example.org",
    "key": "K001",
    "characteristics": [("business_unit", "Noord")],
    "hits": [
        {
            "question": "Zou u ons aanbevelen?",
            "code": "cvs_recommend",
            "answer": "3",
            "rule": "cvs_recommend 0–6 → detractor",
        }
    ],
    "link": "https://gs.example/cases/7",
    "case_id": 7,
    "optout": "",
}
CLOCK: dict[str, Any] = {
    "case_id": 7,
    "kind": "promoter",
    "organisation": "Veldhuis",
    "study": "KTO 2026",
    "name": "Anna de Boer",
    "owner": "team@veldhuis.example",
    "flagged": "2026-04-24",
    "due": "2026-05-04",
    "link": "https://gs.example/cases/7",
    "optout": "",
}


def test_both_kinds_are_known() -> None:
    assert {"flag", "case_clock"} <= set(kinds())


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", ["detractor", "promoter"])
def test_flag_mail_names_the_respondent_and_the_answers(lang: str, kind: str) -> None:
    mail = compose("flag", lang, {**FLAG, "kind": kind})
    assert mail.language == lang and "Anna de Boer" in mail.subject
    for part in (mail.text, mail.html):
        assert "anna@example.org" in part and "K001" in part and "Noord" in part
        assert "Zou u ons aanbevelen?" in part and "https://gs.example/cases/7" in part
    words = {
        ("nl", "promoter"): "Kans",
        ("nl", "detractor"): "Signalering",
        ("en", "promoter"): "Opportunity",
        ("en", "detractor"): "Flag",
    }
    assert mail.subject.startswith(words[(lang, kind)] + ":")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("clock", ["forward", "follow_up"])
@pytest.mark.parametrize("occasion", ["reminder", "escalation"])
def test_clock_mail(lang: str, clock: str, occasion: str) -> None:
    mail = compose("case_clock", lang, {**CLOCK, "clock": clock, "occasion": occasion})
    assert mail.subject.startswith("Case 7: ") and "2026-05-04" in mail.subject
    assert "https://gs.example/cases/7" in mail.text and "https://gs.example/cases/7" in mail.html
    if occasion == "escalation":
        assert "team@veldhuis.example" in mail.text
