"""Compose e-mails from the per-language templates in ``mail/templates``.

Each kind of message has, per language, a plain-text template ``<kind>.<lang>.txt``
whose first line is ``Subject: …``, and an HTML template ``<kind>.<lang>.html``
(autoescaped, extending ``_layout.html``). Both end with the opt-out line. To add a
kind (a flag notice, an escalation) or a language, add its two files: :func:`compose`
finds them by name. An unknown language falls back to ``fallback`` (the installation's
default language), then to Dutch.

Example::

    >>> mail = compose("invitation", "en", {"name": "Ann", "organisation": "Acme",
    ...     "study": "KTO 2026", "link": "https://x/r/t", "optout": "https://x/optout/o",
    ...     "field_end": None})
    >>> mail.subject
    'Your opinion of Acme: KTO 2026'
    >>> "https://x/r/t" in mail.text and "https://x/optout/o" in mail.html
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

__all__ = ["LANGUAGES", "TEMPLATES", "Composed", "compose", "kinds"]

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGES = ("nl", "en")
"""Languages every kind of message has templates for."""

_HTML = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
_TEXT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Composed:
    """A rendered message: subject, plain-text body, HTML body, and its language."""

    subject: str
    text: str
    html: str
    language: str


def kinds() -> list[str]:
    """The kinds of message with templates (``invitation``, ``reminder`` …)."""
    return sorted({p.name.split(".")[0] for p in TEMPLATES.glob("*.txt")})


def compose(
    kind: str, language: str, context: Mapping[str, Any], *, fallback: str = "nl"
) -> Composed:
    """Render message ``kind`` in ``language`` with ``context``.

    ``KeyError`` for a kind without templates; a missing variable in ``context`` is an
    error too (``jinja2.UndefinedError``), so no mail goes out with a hole in it.
    """
    for lang in dict.fromkeys((language, fallback, "nl")):
        try:
            text_template = _TEXT.get_template(f"{kind}.{lang}.txt")
        except TemplateNotFound:
            continue
        raw = text_template.render(**context)
        first, _, body = raw.partition("\n")
        if not first.startswith("Subject:"):
            raise ValueError(f"{kind}.{lang}.txt must start with a 'Subject:' line")
        subject = " ".join(first[len("Subject:") :].split())
        html = _HTML.get_template(f"{kind}.{lang}.html").render(
            subject=subject, lang=lang, **context
        )
        return Composed(subject=subject, text=body.strip() + "\n", html=html, language=lang)
    raise KeyError(f"no mail templates for {kind!r}; known kinds: {', '.join(kinds())}")
