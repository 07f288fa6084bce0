"""The nl and en catalogues are complete, and the language is negotiated in order."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from gapsight.web import i18n


def _catalogue(lang: str) -> dict[object, object]:
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=lang) if m.id}


def test_extraction_finds_template_and_python_messages() -> None:
    found = {msgid for msgid, _file, _line in i18n.extract_messages()}
    assert "Log in" in found  # templates
    assert "The e-mail address or password is not correct." in found  # Python handlers
    assert "%(num)s problems were found." in found  # plural forms


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_has_a_translation(lang: str) -> None:
    catalogue = _catalogue(lang)
    singular = {k if isinstance(k, str) else k[0]: v for k, v in catalogue.items()}
    plural = {k[1]: v for k, v in catalogue.items() if isinstance(k, tuple)}
    missing = []
    for msgid, filename, line in i18n.extract_messages():
        translated = singular.get(msgid, plural.get(msgid))
        texts = translated if isinstance(translated, tuple) else (translated,)
        if not all(isinstance(t, str) and t.strip() for t in texts):
            missing.append(f"{filename}:{line}: {msgid!r}")
    assert not missing, (
        f"untranslated in {lang} (see gapsight/web/i18n.py for how to update):\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_fuzzy_entries(lang: str) -> None:
    # pybabel update marks guessed translations fuzzy; they are not used at run time.
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        fuzzy = [m.id for m in read_po(fh, locale=lang) if m.id and m.fuzzy]
    assert not fuzzy, f"review and un-fuzzy these {lang} entries: {fuzzy}"


def test_placeholders_survive_translation() -> None:
    nl = _catalogue("nl")
    for msgid, text in nl.items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        texts = text if isinstance(text, tuple) else (text,)
        for source in ids:
            for target in texts:
                for name in ("%(n)s", "%(num)s", "%(name)s", "%(ref)s", "%(id)s", "%(m)s"):
                    if name in source:
                        assert name in str(target), (msgid, name)


def test_compiled_catalogues_translate() -> None:
    assert i18n.translations("nl").gettext("Log in") == "Inloggen"
    assert i18n.translations("en").gettext("Log in") == "Log in"
    assert (
        i18n.translations("nl").ngettext(
            "%(num)s problem was found.", "%(num)s problems were found.", 3
        )
        == "Er zijn %(num)s problemen gevonden."
    )
    with pytest.raises(KeyError, match="no catalogue"):
        i18n.translations("de")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,nl;q=0.7", "nl"),
        ("fr", None),
        ("", None),
        ("en;q=0, nl;q=0.1", "nl"),
        ("nl;q=bogus,en", "en"),
    ],
)
def test_best_match(header: str, expected: str | None) -> None:
    assert i18n.best_match(header) == expected
