"""mail.links: derived personal tokens and signed opt-out tokens."""

from __future__ import annotations

import base64

from gapsight.mail.links import Links

LINKS = Links(secret="s" * 48, base_url="https://survey.example.org/")


def test_personal_token_is_stable_unguessable_and_per_invitation() -> None:
    token = LINKS.personal_token(7)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    assert token == LINKS.personal_token(7)
    assert token != LINKS.personal_token(8)
    assert token != Links(secret="t" * 48, base_url="x").personal_token(7)


def test_urls_use_the_base_without_double_slash() -> None:
    assert LINKS.survey_url(7) == f"https://survey.example.org/r/{LINKS.personal_token(7)}"
    assert LINKS.optout_url(7).startswith("https://survey.example.org/optout/")


def test_optout_token_round_trips_and_rejects_forgeries() -> None:
    token = LINKS.optout_token(42)
    assert LINKS.optout_invitation(token) == 42
    assert LINKS.optout_invitation(token[:-2] + "xx") is None
    assert Links(secret="t" * 48, base_url="x").optout_invitation(token) is None
    assert LINKS.optout_invitation("") is None
    other = Links(secret="s" * 48, base_url="x")
    assert other.optout_invitation(other._signer().dumps("42")) is None  # not an int
    assert other.optout_invitation(other._signer().dumps(True)) is None
