"""The research report in the web app: the study page links it, the page renders in the
user's language, the Excel download works, and other organisations cannot read it."""

from __future__ import annotations

from typing import Any

import pytest

from gapsight.reports.labels import label
from gapsight.services import demo
from gapsight.web.app import create_app

from .helpers import Browser


@pytest.mark.slow
def test_the_demo_coordinator_reads_the_report_of_a_wave(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    study = next(w.study_id for w in result.waves if w.name == "Klantonderzoek 2024")
    with Browser(create_app(sqlite_settings), headers={"accept-language": "nl"}) as browser:
        assert browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).status_code == 303
        show = browser.get(f"/studies/{study}").text
        assert f'href="/studies/{study}/report"' in show
        assert "Onderzoeksrapport" in show
        page = browser.get(f"/studies/{study}/report")
        assert page.status_code == 200
        assert label("section.conclusions", "nl") in page.text
        assert label("section.questionnaire", "nl") in page.text
        xlsx = browser.get(f"/studies/{study}/report?format=xlsx")
        assert xlsx.status_code == 200
        assert xlsx.content[:2] == b"PK"
        assert "attachment" in xlsx.headers["content-disposition"]
        assert browser.get(f"/studies/{study}/report?format=doc").status_code == 404
        assert browser.get("/studies/999999/report").status_code == 404


@pytest.mark.slow
def test_a_coordinator_writes_the_recommendations_in_the_app(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    study = next(w.study_id for w in result.waves if w.name == "Klantonderzoek 2024")
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as browser:
        assert browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).status_code == 303
        form = browser.get(f"/studies/{study}/recommendations")
        assert form.status_code == 200 and "<textarea" in form.text
        assert "- Reliability: the customer gap is the sum of the other gaps" in form.text
        saved = browser.submit(
            f"/studies/{study}/recommendations",
            {"recommendations": "Act now.\n\n- Call back within 2 days."},
            token_from=f"/studies/{study}/recommendations",
        )
        assert saved.status_code == 303
        page = browser.get(f"/studies/{study}/report").text
        assert "Call back within 2 days." in page
        assert label("missing.recommendations", "en") not in page


@pytest.mark.slow
def test_the_short_reports_and_the_gap_verdicts_in_the_app(sqlite_settings: Any) -> None:
    result = demo.install(sqlite_settings)
    study = next(w.study_id for w in result.waves if w.key == "klant-2025")
    with Browser(create_app(sqlite_settings), headers={"accept-language": "en"}) as browser:
        assert browser.login(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).status_code == 303
        show = browser.get(f"/studies/{study}").text
        for kind in ("management", "customer-feedback", "employee-feedback"):
            assert f'href="/studies/{study}/report?kind={kind}"' in show
        assert f'href="/studies/{study}/verdicts"' in show
        page = browser.get(f"/studies/{study}/report?kind=customer-feedback")
        assert page.status_code == 200 and label("feedback.said", "en") in page.text
        page = browser.get(f"/studies/{study}/report?kind=employee-feedback")
        assert label("feedback.mirror", "en") in page.text
        pdf = browser.get(f"/studies/{study}/report?kind=management&format=pdf")
        assert pdf.content[:4] == b"%PDF"
        assert "management-" in pdf.headers["content-disposition"]
        assert browser.get(f"/studies/{study}/report?kind=poster").status_code == 404
        form = browser.get(f"/studies/{study}/verdicts")
        assert form.status_code == 200 and "<textarea" in form.text
        assert 'value="partly" selected' in form.text  # the demo's recorded verdict on gap 3
        saved = browser.submit(
            f"/studies/{study}/verdicts",
            {
                "verdict_2": "present",
                "share_2": "40",
                "explanation_2": "No standards for the field staff.",
                "verdict_3": "",
                "verdict_4": "absent",
                "explanation_4": "Promises checked.",
            },
            token_from=f"/studies/{study}/verdicts",
        )
        assert saved.status_code == 303
        report = browser.get(f"/studies/{study}/report").text
        assert "assessed: No standards for the field staff." in report
        assert "40%" in report
        assert label("gapmodel.basis.not_recorded", "en") in report  # gap 3 cleared
        bad = browser.submit(
            f"/studies/{study}/verdicts",
            {"verdict_2": "maybe"},
            token_from=f"/studies/{study}/verdicts",
        )
        assert bad.status_code == 422
