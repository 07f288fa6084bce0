"""The supplier report and the monthly bundle as report documents: every figure of
the service's result lands in a table, the explanation comes first, labels follow the
language, and the workbook has one sheet per table."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gapsight.domain.trends import Trend
from gapsight.reports.html import render_html
from gapsight.reports.signals import registrar_document, supplier_document
from gapsight.reports.workbook import render_xlsx
from gapsight.services.signal_reports import FollowUp, RegistrarBundle, SupplierReport

REPORT = SupplierReport(
    supplier="ICT-Partner",
    months=["2026-02", "2026-03"],
    total=5,
    by_category={"complaint": 4, "wish": 1},
    by_category_basic={"complaint": 4, "wish": 1},
    by_client_group={"Onderwijs": 3, "Zorg": 2},
    by_domain={"Werkplek": 5},
    by_month={"2026-02": 1, "2026-03": 4},
    by_category_month={
        "complaint": {"2026-02": 1, "2026-03": 3},
        "wish": {"2026-02": 0, "2026-03": 1},
    },
    within_norms=1,
    promoted=0,
    themes={"late-delivery": 4},
    trends=[Trend("late-delivery", "rising", 4, 0.5, 0.0018, 8.0, 1)],
    follow_ups=[FollowUp(3, "2026-03-04", "Ann", "Called the supplier")],
    outcomes={"closed": 2, "new": 3},
    resolutions=[(3, "New laptop delivered")],
    explanation="The move of the warehouse delayed deliveries.\n\n- new courier\n- weekly check",
)


def test_the_supplier_document_holds_every_figure() -> None:
    doc = supplier_document(
        REPORT, "en", organisation="SSC", labels={"complaint": "Complaint", "wish": "Wish"}
    )
    assert [s.key for s in doc.sections] == ["explanation", "figures", "themes", "actions"]
    tables = {t.key: t for t in doc.tables()}
    assert tables["by_category"].rows == (("Complaint", 4), ("Wish", 1), ("Total", 5))
    assert tables["by_category_month"].rows[-1] == ("Total", 1, 4, 5)
    assert tables["by_category_month"].rows[0] == ("Complaint", 1, 3, 4)
    assert tables["trends"].rows[0][:3] == ("late-delivery", "rising", 4)
    assert tables["follow_ups"].rows == ((3, "2026-03-04", "Ann", "Called the supplier"),)
    assert tables["resolutions"].rows == ((3, "New laptop delivered"),)
    first = doc.sections[0].blocks
    assert first[0].text == "The move of the warehouse delayed deliveries."  # type: ignore[union-attr]
    assert first[1].items == ("new courier", "weekly check")  # type: ignore[union-attr]
    html = render_html(doc)
    assert "Signals report for a supplier: ICT-Partner" in html and "2026-02 – 2026-03" in html


def test_dutch_labels_and_a_missing_explanation() -> None:
    doc = supplier_document(
        SupplierReport(**{**REPORT.__dict__, "explanation": "", "trends": []}),
        "nl",
        organisation="SSC",
    )
    html = render_html(doc)
    assert "Er is (nog) geen toelichting geschreven." in html
    assert "Geen thema steeg of keerde terug" in html
    assert "Signalenrapportage leverancier" in html


def test_the_bundle_has_a_section_per_registrar_and_a_workbook_sheet_per_table() -> None:
    ann = RegistrarBundle(
        "Ann",
        "2026-03",
        3,
        {"complaint": 3},
        {"new": 3},
        {"Zorg": 3},
        2,
        1,
        0,
        [1, 2, 3],
        by_domain={"Werkplek": 3},
        themes={"laptops": 2},
        follow_ups=[FollowUp(2, "2026-03-05", "Ann", "Asked for a loan laptop")],
    )
    bob = RegistrarBundle(
        "Bob", "2026-03", 1, {"wish": 1}, {"closed": 1}, {"Onderwijs": 1}, 0, 0, 1, [4]
    )
    trend = Trend("laptops", "recurring", 2, 1.0, 0.26, 2.0, 5)
    doc = registrar_document([ann, bob], "2026-03", "en", organisation="SSC", trends=[trend])
    assert [s.title for s in doc.sections][2:] == ["Ann", "Bob", "Recurring and rising themes"]
    tables = {t.key: t for t in doc.tables()}
    assert tables["registrars"].rows[0] == ("Ann", 3, 2, 1, 0)
    assert tables["registrars"].rows[-1][:2] == ("Total", 4)
    assert tables["r1_domain"].rows == (("Werkplek", 3), ("Total", 3))
    assert tables["r1_themes"].rows[0] == ("laptops", 2)
    assert tables["r1_follow_ups"].rows == ((2, "2026-03-05", "Ann", "Asked for a loan laptop"),)
    assert "r2_themes" not in tables and tables["trends"].rows[0][:2] == ("laptops", "recurring")
    book = load_workbook(io.BytesIO(render_xlsx(doc)))
    assert len(book.sheetnames) == len(doc.tables()) == 12
