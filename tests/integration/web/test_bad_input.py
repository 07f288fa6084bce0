"""Bad input never gives a 500: every form, with fields missing, malformed, absurdly
large or of the wrong kind, is answered with a page and a 2xx–4xx status."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from .helpers import Browser, as_role, small_study

GARBAGE: list[dict[str, Any]] = [
    {},
    {"name": "", "organisation": "", "instrument": "", "organisation_id": ""},
    {
        "organisation": "-1",
        "instrument": "v999999",
        "organisation_id": "99999999999999999999",
        "name": "x" * 5000,
        "kind": "🙂",
        "anonymity_mode": "<script>",
        "min_group_size": "1e309",
        "confidence_level": "nan",
        "population_size": "-0",
        "field_start": "2026-99-99",
        "field_end": "yesterday",
        "previous_wave_id": "abc",
        "reminder_days": "99999999999999999999999",
        "flag_recipients": "a@b\x00c",
        "modules": ["nope", ""],
        "instrument_id": "../../etc",
        "agreement_points": "6",
        "remove": ["zzz"],
        "period_months": "12.5",
        "language": "xx",
        "improvement_rule": "",
        "role": "root",
        "email": "not an address",
        "password": "p",
        "sector": "\u202e",
    },
    {
        "min_group_size": "10",
        "confidence_level": "0.5",
        "field_start": "2026-01-01",
        "field_end": "2026-01-01",
        "population_size": "2147483648",
    },
]


@pytest.mark.parametrize("case", range(len(GARBAGE)))
def test_no_form_gives_a_server_error(
    browser: Browser, people: dict[str, Any], web_engine: Engine, case: int
) -> None:
    study = small_study(web_engine, people["acme"])
    as_role(browser, "admin")
    client = Browser(browser.app, raise_server_exceptions=False, cookies=browser.cookies)
    assert client.get("/studies", follow_redirects=False).status_code == 200  # logged in
    token = client.token("/studies")
    paths = [
        "/studies",
        f"/studies/{study}/sample",
        f"/studies/{study}/launch",
        f"/studies/{study}/close",
        "/studies/999999/launch",
        "/instruments/builtin/cvs/adapt",
        "/instruments/builtin/nope/adapt",
        "/instruments/versions/abc/adapt",
        "/instruments/other/cvs/adapt",
        "/organisations",
        f"/organisations/{people['acme']}",
        "/organisations/0",
        "/users",
        "/login",
        "/logout",
    ]
    for path in paths:
        response = client.post(
            path, data={"csrf_token": token, **GARBAGE[case]}, follow_redirects=False
        )
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        assert "Traceback" not in response.text
        if path in ("/logout", "/login"):
            as_role(client, "admin")
            token = client.token("/studies")


def test_garbage_query_strings(browser: Browser, people: dict[str, Any]) -> None:
    as_role(browser, "admin")
    client = Browser(browser.app, raise_server_exceptions=False, cookies=browser.cookies)
    assert client.get("/studies", follow_redirects=False).status_code == 200
    for path in (
        "/studies/new?organisation=abc&instrument=%00",
        "/studies/new?organisation=99999999999999999999999&instrument=cvs",
        "/instruments/builtin/cvs?language=xx&organisation=-5",
        "/studies?lang=../../",
        "/login?next=%0d%0aSet-Cookie:x=1",
    ):
        response = client.get(path)
        assert response.status_code < 500, (path, response.text[:300])
