"""The demo organisation through the web: the demo login works and every study's
pages render with real data (responses imported without invitations)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gapsight.services import demo
from gapsight.web.app import create_app

from .helpers import Browser


@pytest.mark.slow
def test_demo_coordinator_sees_the_demo_studies(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    with Browser(create_app(sqlite_settings), headers={"accept-language": "nl"}) as browser:
        assert browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).status_code == 303
        listing = browser.get("/studies").text
        assert all(w.name in listing for w in result.waves)
        ids = sorted({int(i) for i in re.findall(r'href="/studies/(\d+)"', listing)})
        assert ids == sorted(w.study_id for w in result.waves)
        for study_id in ids:
            assert browser.get(f"/studies/{study_id}").status_code == 200
            page = browser.get(f"/studies/{study_id}/fieldwork")
            assert page.status_code == 200
            assert "<h1>Veldwerk en respons</h1>" in page.text
        assert browser.get("/organisations").status_code == 403  # a coordinator
