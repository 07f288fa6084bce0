"""Languages of the web pages: Babel catalogues, negotiation, gettext for templates.

**Catalogues.** The messages live in ``web/locale/<lang>/LC_MESSAGES/messages.po``
(the English text is the message id; ``en`` repeats it, ``nl`` translates it). They are
compiled in memory when first needed (``babel.messages.pofile`` →
``babel.messages.mofile`` → :class:`babel.support.Translations`), so there is no
compiled ``.mo`` file that could be out of date with its ``.po``. A test checks that
every message used in ``web/`` has a non-empty translation in both catalogues;
:func:`extract_messages` is what it uses. To add messages, run::

    .venv/bin/pybabel extract -F src/gapsight/web/locale/babel.cfg \\
        -o /tmp/messages.pot src/gapsight/web
    .venv/bin/pybabel update -i /tmp/messages.pot -d src/gapsight/web/locale

and fill in the empty ``msgstr`` entries.

**Negotiation** (:func:`language`): ``?lang=`` in the address (and remembered in the
session), then the session's remembered choice, then the browser's
``Accept-Language``, then ``settings.default_language``.

**Templates** use ``{{ _("Text") }}``, ``{{ _("%(n)s studies", n=3) }}`` and
``{% trans %}``; the translation functions are passed per request
(:func:`template_functions`), so one shared Jinja environment serves every language
safely from many threads.

Example::

    >>> translations("nl").gettext("Log in")
    'Inloggen'
    >>> best_match("en-GB,en;q=0.9,nl;q=0.8")
    'en'
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "best_match",
    "extract_messages",
    "gettext_for",
    "language",
    "template_functions",
    "translations",
]

LANGUAGES = ("nl", "en")
"""Languages with a catalogue, in the order the language switch shows them."""
LOCALE_DIR = Path(__file__).with_name("locale")
WEB_DIR = Path(__file__).parent
SESSION_KEY = "lang"


@functools.cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (``KeyError`` for a language without one)."""
    if lang not in LANGUAGES:
        raise KeyError(f"no catalogue for language {lang!r}; choose one of {LANGUAGES}")
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain="messages")


def best_match(accept_language: str) -> str | None:
    """The first of :data:`LANGUAGES` the ``Accept-Language`` header accepts, by
    quality (``None`` when it accepts none of them)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def language(request: Request) -> str:
    """The language of this request's page (see the module docstring for the order).

    A valid ``?lang=`` is remembered in the session, so the choice sticks while the
    user moves between pages.
    """
    cached = getattr(request.state, "language", None)
    if isinstance(cached, str):
        return cached
    session: dict[str, Any] = request.scope.get("session", {})
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        session[SESSION_KEY] = asked
        chosen = asked
    elif session.get(SESSION_KEY) in LANGUAGES:
        chosen = str(session[SESSION_KEY])
    else:
        settings = request.app.state.settings
        chosen = best_match(request.headers.get("accept-language", "")) or (
            settings.default_language if settings.default_language in LANGUAGES else LANGUAGES[0]
        )
    request.state.language = chosen
    return chosen


def gettext_for(request: Request) -> Callable[[str], str]:
    """The ``gettext`` of the request's language, for messages made in Python code:
    ``_ = gettext_for(request)`` then ``_("Study created.")``."""
    return translations(language(request)).gettext


def _newstyle(gettext: Callable[[str], str]) -> Callable[..., str]:
    # The same contract as Jinja's own newstyle gettext: the translation is a format
    # string, and with autoescaping the variables are escaped before substitution.
    @pass_context
    def call(context: Context, message: str, **variables: Any) -> str:
        text: str = gettext(message)
        if context.eval_ctx.autoescape:
            return Markup(text) % variables
        return text % variables

    return call


def _newstyle_n(ngettext: Callable[[str, str, int], str]) -> Callable[..., str]:
    @pass_context
    def call(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text: str = ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            return Markup(text) % variables
        return text % variables

    return call


def template_functions(lang: str) -> dict[str, Callable[..., str]]:
    """``gettext``/``ngettext`` (and ``_``) of ``lang`` for a template's context."""
    t = translations(lang)
    gettext = _newstyle(t.gettext)
    return {"gettext": gettext, "_": gettext, "ngettext": _newstyle_n(t.ngettext)}


BABEL_METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
BABEL_OPTIONS = {
    "templates/**.html": {"trimmed": "true", "newstyle_gettext": "true"},
}


def extract_messages(directory: Path = WEB_DIR) -> Iterator[tuple[str, str, int]]:
    """Every message id used in the web package: ``(msgid, file, line)``.

    Plural messages yield both forms. Used by the catalogue completeness test.
    """
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(directory),
        method_map=BABEL_METHODS,
        options_map=BABEL_OPTIONS,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        forms = message if isinstance(message, tuple) else (message,)
        for form in forms:
            if form:
                yield form, filename, lineno
