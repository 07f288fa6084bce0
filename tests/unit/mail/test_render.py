"""mail.render: every kind in every language, subjects, escaping, fallbacks."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from gapsight.mail.render import LANGUAGES, compose, kinds


def _context(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Ann",
        "organisation": "Acme",
        "study": "KTO 2026",
        "link": "https://x.example/r/TOKEN",
        "optout": "https://x.example/optout/OPT",
        "field_end": "31-12-2026",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize("kind", ["invitation", "reminder"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_and_language_has_link_optout_and_both_parts(kind: str, lang: str) -> None:
    mail = compose(kind, lang, _context())
    assert mail.language == lang and mail.subject and "\n" not in mail.subject
    for body in (mail.text, mail.html):
        assert "https://x.example/r/TOKEN" in body
        assert "https://x.example/optout/OPT" in body
        assert "31-12-2026" in body and "Ann" in body
    assert mail.html.lstrip().startswith("<!DOCTYPE html>")
    assert not mail.text.startswith("Subject:")


def test_known_kinds() -> None:
    assert {"invitation", "reminder"} <= set(kinds())


def test_subjects_differ_by_language() -> None:
    assert compose("invitation", "nl", _context()).subject == "Uw mening over Acme: KTO 2026"
    assert compose("invitation", "en", _context()).subject == "Your opinion of Acme: KTO 2026"


def test_html_escapes_names_but_text_keeps_them() -> None:
    mail = compose("invitation", "en", _context(name="<b>Eve</b> & co"))
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in mail.html and "<b>Eve</b>" not in mail.html
    assert "Dear <b>Eve</b> & co," in mail.text


def test_without_name_or_end_date() -> None:
    mail = compose("reminder", "nl", _context(name=None, field_end=None))
    assert mail.text.startswith("Beste relatie,")
    assert "open tot en met" not in mail.text


def test_unknown_language_falls_back() -> None:
    assert compose("invitation", "de", _context(), fallback="en").language == "en"
    assert compose("invitation", "de", _context(), fallback="fr").language == "nl"


def test_unknown_kind_and_missing_variable_are_errors() -> None:
    with pytest.raises(KeyError, match="no mail templates"):
        compose("postcard", "nl", _context())
    context = _context()
    del context["link"]
    with pytest.raises(jinja2.UndefinedError):
        compose("invitation", "nl", context)
