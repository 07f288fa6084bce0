"""Signals reports as files: HTML, PDF and Excel, with the text people wrote.

:func:`render_signal_report` builds the supplier report (bi-monthly by default) or the
monthly bundle per registrar through :mod:`gapsight.reports.signals` and renders it
with the report machinery. The explanatory text of each report — what the figures
mean, written by the coordinator — is kept in ``signal_report_texts`` per
organisation, kind, subject (the supplier, or ``*`` for the bundle) and last month
(:func:`get_report_text`, :func:`set_report_text`), so every rendering prints it.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     set_report_text(session, org_id, "supplier", "ICT-Partner", "2026-03", "…")
    >>> #     pdf = render_signal_report(session, org_id, "supplier", "ICT-Partner",
    >>> #                                "2026-03", fmt="pdf", lang="nl", now=now)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight.reports.html import render_html
from gapsight.reports.model import Report
from gapsight.reports.pdf import render_pdf
from gapsight.reports.signals import registrar_document, supplier_document
from gapsight.reports.workbook import render_xlsx
from gapsight.services.organisations import get_organisation
from gapsight.services.signal_reports import (
    month_bounds,
    monthly_bundle,
    signal_trends,
    supplier_report,
)
from gapsight.services.signals import config_for
from gapsight.store.models import SignalReportText

__all__ = [
    "FORMATS",
    "MAX_TEXT",
    "build_signal_report",
    "get_report_text",
    "render_signal_report",
    "set_report_text",
]

FORMATS = ("html", "pdf", "xlsx")
MAX_TEXT = 20_000
"""Longest explanatory text (characters)."""
ReportKind = Literal["supplier", "registrar"]


def _row(
    session: Session, organisation_id: int, kind: str, subject: str, period: str
) -> SignalReportText | None:
    return session.scalars(
        select(SignalReportText).where(
            SignalReportText.organisation_id == organisation_id,
            SignalReportText.kind == kind,
            SignalReportText.subject == subject,
            SignalReportText.period == period,
        )
    ).first()


def get_report_text(
    session: Session, organisation_id: int, kind: str, subject: str, period: str
) -> str:
    """The stored explanation ("" when none was written)."""
    row = _row(session, organisation_id, kind, subject, period)
    return "" if row is None else row.text


def set_report_text(
    session: Session,
    organisation_id: int,
    kind: str,
    subject: str,
    period: str,
    text: str,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Store the explanation (empty text removes it); ``ValueError`` when too long,
    for an unknown kind or a period that is not a month."""
    if kind not in {"supplier", "registrar"}:
        raise ValueError(f"unknown report kind {kind!r}")
    month_bounds(period, "UTC")  # raises ValueError for a bad month
    if len(text) > MAX_TEXT:
        raise ValueError(f"the text is longer than {MAX_TEXT} characters")
    row = _row(session, organisation_id, kind, subject, period)
    text = text.strip()
    if not text:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = SignalReportText(
            organisation_id=organisation_id, kind=kind, subject=subject, period=period, text=text
        )
        session.add(row)
    row.text = text
    row.updated_at = now or dt.datetime.now(dt.UTC)
    session.flush()


def build_signal_report(
    session: Session,
    organisation_id: int,
    kind: ReportKind,
    subject: str,
    month: str,
    *,
    lang: str,
    now: dt.datetime,
    months: int = 2,
    client_groups: Collection[str] | None = None,
) -> Report:
    """The report document: ``kind="supplier"`` for supplier ``subject`` over the
    ``months`` months ending with ``month``; ``kind="registrar"`` for the monthly
    bundle of ``month`` (``subject`` is ignored)."""
    org = get_organisation(session, organisation_id)
    config = config_for(org)
    labels = {c.code: c.label(lang) for c in config.categories}
    today = now.date()
    if kind == "supplier":
        data = supplier_report(
            session,
            organisation_id,
            subject,
            last_month=month,
            months=months,
            explanation=get_report_text(session, organisation_id, "supplier", subject, month),
            client_groups=client_groups,
        )
        return supplier_document(data, lang, organisation=org.name, labels=labels, today=today)
    bundles = monthly_bundle(session, organisation_id, month, now=now, client_groups=client_groups)
    return registrar_document(
        bundles,
        month,
        lang,
        organisation=org.name,
        explanation=get_report_text(session, organisation_id, "registrar", "*", month),
        labels=labels,
        today=today,
        trends=signal_trends(
            session, organisation_id, last_month=month, by="theme", client_groups=client_groups
        ),
    )


def render_signal_report(
    session: Session,
    organisation_id: int,
    kind: ReportKind,
    subject: str,
    month: str,
    *,
    fmt: str,
    lang: str,
    now: dt.datetime,
    months: int = 2,
    client_groups: Collection[str] | None = None,
) -> bytes:
    """The report rendered as ``fmt`` (``html``, ``pdf`` or ``xlsx``)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    report = build_signal_report(
        session,
        organisation_id,
        kind,
        subject,
        month,
        lang=lang,
        now=now,
        months=months,
        client_groups=client_groups,
    )
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    return render_html(report).encode()
