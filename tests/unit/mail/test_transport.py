"""mail.transport: the MIME message and the fake transport (the SMTP transport is
tested against a real server in tests/integration/mail)."""

from __future__ import annotations

import pytest

from gapsight.mail.transport import (
    FakeTransport,
    Message,
    PermanentFailure,
    TransientFailure,
    build_email,
)


def test_build_email_has_plain_and_html_alternatives_and_headers() -> None:
    email = build_email(
        Message(
            "a@example.org",
            "Hello",
            "Plain body",
            html="<p>HTML body</p>",
            sender="gs@example.org",
            headers={"List-Unsubscribe": "<https://x/optout/t>"},
        )
    )
    assert email.get_content_type() == "multipart/alternative"
    assert email.get_body(("plain",)).get_content().strip() == "Plain body"  # type: ignore[union-attr]
    assert email.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"  # type: ignore[union-attr]
    assert email["List-Unsubscribe"] == "<https://x/optout/t>"
    assert email["Message-ID"].endswith("@example.org>")


def test_text_only_message_is_plain() -> None:
    email = build_email(Message("a@example.org", "Hi", "Just text"))
    assert email.get_content_type() == "text/plain"


def test_fake_transport_records_refuses_and_goes_down() -> None:
    fake = FakeTransport()
    message = Message("a@example.org", "s", "t")
    fake.go_down()
    with pytest.raises(TransientFailure):
        fake.send(message)
    fake.send(message)
    fake.refuse("B@example.org")
    with pytest.raises(PermanentFailure) as refused:
        fake.send(Message("b@example.org", "s", "t"))
    assert refused.value.code == 550
    assert fake.sent == [message]
