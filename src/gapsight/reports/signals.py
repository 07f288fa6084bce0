"""Signals reports as report documents: the supplier report and the monthly bundle.

:func:`supplier_document` and :func:`registrar_document` turn the management
information of :mod:`gapsight.services.signal_reports` (plain frozen dataclasses) into
a :class:`~gapsight.reports.model.Report`, so the same machinery renders it as HTML
(:func:`~gapsight.reports.html.render_html`), PDF (:func:`~gapsight.reports.pdf.render_pdf`)
and Excel (:func:`~gapsight.reports.workbook.render_xlsx`: one sheet per table).
Only layout and wording happen here; every number is computed by the service.

The **supplier report** (bi-monthly) has: the explanation written by people (first,
so readers see the story before the figures), counts by category (and the ``basic``
scheme), category × month, client group and service domain, recurring and rising
themes, follow-up actions, outcomes and resolutions, and the improvement actions that
name the supplier. The **monthly bundle** has an overview, one section per registrar
(category, client group, service domain, status, themes, follow-up actions) and the
month's rising and recurring themes.

Example::

    >>> # report = supplier_document(supplier_report(...), "nl", organisation="SSC",
    >>> #                            labels=category_labels)
    >>> # Path("ict.pdf").write_bytes(render_pdf(report))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from gapsight.domain.trends import Trend
from gapsight.reports.model import Block, Num, Paragraph, Report, Section, Table
from gapsight.services.signal_reports import RegistrarBundle, SupplierReport

__all__ = ["registrar_document", "supplier_document"]

_T: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "supplier.title": "Signalenrapportage leverancier",
        "registrar.title": "Maandbundeling signalen",
        "explanation": "Toelichting",
        "no_explanation": "Er is (nog) geen toelichting geschreven.",
        "figures": "Aantallen",
        "total": "Totaal",
        "category": "Categorie",
        "basic": "Indeling klacht / wens / informatie / storing",
        "scheme": "Soort",
        "client_group": "Klantgroep",
        "domain": "Dienstdomein",
        "month": "Maand",
        "count": "Aantal",
        "by_category_month": "Categorie per maand",
        "within_norms": "Binnen de afgesproken normen",
        "promoted": "Herhaalde meldingen opgewaardeerd tot klacht",
        "themes": "Thema's",
        "theme": "Thema",
        "trends": "Terugkerende en stijgende thema's",
        "trend_kind": "Soort",
        "explain": "Toelichting",
        "rising": "stijgend",
        "recurring": "terugkerend",
        "no_trends": "Geen thema steeg of keerde terug boven de eigen geschiedenis.",
        "actions": "Acties en resultaten",
        "follow_ups": "Vervolgacties",
        "signal": "Signaal",
        "date": "Datum",
        "who": "Wie",
        "what": "Wat",
        "no_follow_ups": "Geen vervolgacties vastgelegd.",
        "outcomes": "Status",
        "status": "Status",
        "resolutions": "Oplossingen",
        "resolution": "Oplossing",
        "improvements": "Verbeteracties",
        "title": "Titel",
        "owner": "Eigenaar",
        "due": "Gereed",
        "none": "Geen.",
        "registrar": "Registrator",
        "signals": "Signalen",
        "ack_on_time": "Tijdig bevestigd",
        "ack_late": "Te laat bevestigd",
        "ack_not": "Nog niet bevestigd",
        "acknowledgement": "Ontvangstbevestiging",
        "no_signals": "Geen signalen in deze maand.",
        "generated": "Gemaakt op",
        "period": "Periode",
    },
    "en": {
        "supplier.title": "Signals report for a supplier",
        "registrar.title": "Monthly signals bundle",
        "explanation": "Explanation",
        "no_explanation": "No explanation has been written (yet).",
        "figures": "Counts",
        "total": "Total",
        "category": "Category",
        "basic": "Split complaint / wish / information / disruption",
        "scheme": "Kind",
        "client_group": "Client group",
        "domain": "Service domain",
        "month": "Month",
        "count": "Count",
        "by_category_month": "Category by month",
        "within_norms": "Within the agreed norms",
        "promoted": "Recurring reports promoted to a complaint",
        "themes": "Themes",
        "theme": "Theme",
        "trends": "Recurring and rising themes",
        "trend_kind": "Kind",
        "explain": "Explanation",
        "rising": "rising",
        "recurring": "recurring",
        "no_trends": "No theme rose or recurred beyond its own history.",
        "actions": "Actions and outcomes",
        "follow_ups": "Follow-up actions",
        "signal": "Signal",
        "date": "Date",
        "who": "Who",
        "what": "What",
        "no_follow_ups": "No follow-up actions recorded.",
        "outcomes": "Status",
        "status": "Status",
        "resolutions": "Resolutions",
        "resolution": "Resolution",
        "improvements": "Improvement actions",
        "title": "Title",
        "owner": "Owner",
        "due": "Due",
        "none": "None.",
        "registrar": "Registrar",
        "signals": "Signals",
        "ack_on_time": "Acknowledged on time",
        "ack_late": "Acknowledged late",
        "ack_not": "Not acknowledged yet",
        "acknowledgement": "Acknowledgement",
        "no_signals": "No signals in this month.",
        "generated": "Generated on",
        "period": "Period",
    },
}


def _t(lang: str) -> Mapping[str, str]:
    return _T.get(lang, _T["nl"])


def _counts(
    key: str, title: str, heading: str, counts: Mapping[str, int], t: Mapping[str, str]
) -> Table:
    rows: list[tuple[str | int | Num | None, ...]] = [(k, v) for k, v in counts.items()]
    rows.append((t["total"], sum(counts.values())))
    return Table(key, title, (heading, t["count"]), tuple(rows))


def _paragraphs(text: str) -> list[Block]:
    blocks: list[Block] = []
    for part in [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]:
        lines = part.splitlines()
        items = tuple(line[2:].strip() for line in lines if line.startswith("- "))
        if items and len(items) == len(lines):
            blocks.append(Paragraph("", items))
        else:
            blocks.append(Paragraph(" ".join(line.strip() for line in lines)))
    return blocks


def _trend_rows(trends: Sequence[Trend], t: Mapping[str, str]) -> list[Block]:
    if not trends:
        return [Paragraph(t["no_trends"], style="note")]
    return [
        Table(
            "trends",
            t["trends"],
            (t["theme"], t["trend_kind"], t["count"], t["explain"]),
            tuple((x.key, t[x.kind], x.count, x.explain()) for x in trends),
        )
    ]


def supplier_document(
    report: SupplierReport,
    lang: str,
    *,
    organisation: str,
    labels: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Report:
    """The supplier report as a :class:`Report` in ``lang``; ``labels`` names the
    category codes (the organisation's category labels in ``lang``)."""
    t = _t(lang)
    names = dict(labels or {})

    def cat(code: str) -> str:
        return names.get(code, code)

    explanation = _paragraphs(report.explanation) or [
        Paragraph(t["no_explanation"], style="missing")
    ]
    months = report.months
    month_rows: list[tuple[str | int | Num | None, ...]] = [
        (cat(code), *(row[m] for m in months), sum(row.values()))
        for code, row in report.by_category_month.items()
    ]
    month_rows.append((t["total"], *(report.by_month[m] for m in months), report.total))
    figures: list[Block] = [
        _counts(
            "by_category",
            t["category"],
            t["category"],
            {cat(k): v for k, v in report.by_category.items()},
            t,
        ),
        _counts("basic", t["basic"], t["scheme"], report.by_category_basic, t),
        Table(
            "by_category_month",
            t["by_category_month"],
            (t["category"], *months, t["total"]),
            tuple(month_rows),
        ),
        _counts("by_client_group", t["client_group"], t["client_group"], report.by_client_group, t),
        _counts("by_domain", t["domain"], t["domain"], report.by_domain, t),
        Table(
            "special",
            t["figures"],
            ("", t["count"]),
            ((t["within_norms"], report.within_norms), (t["promoted"], report.promoted)),
        ),
    ]
    themes: list[Block] = []
    if report.themes:
        themes.append(_counts("themes", t["themes"], t["theme"], report.themes, t))
    themes += _trend_rows(report.trends, t)
    actions: list[Block] = [
        _counts(
            "outcomes",
            t["outcomes"],
            t["status"],
            report.outcomes,
            t,
        )
    ]
    if report.follow_ups:
        actions.append(
            Table(
                "follow_ups",
                t["follow_ups"],
                (t["signal"], t["date"], t["who"], t["what"]),
                tuple((f.signal_id, f.at, f.by, f.what) for f in report.follow_ups),
            )
        )
    else:
        actions.append(Paragraph(t["no_follow_ups"], style="note"))
    if report.resolutions:
        actions.append(
            Table(
                "resolutions",
                t["resolutions"],
                (t["signal"], t["resolution"]),
                tuple((i, text) for i, text in report.resolutions),
            )
        )
    if report.improvement_actions:
        actions.append(
            Table(
                "improvements",
                t["improvements"],
                (t["title"], t["owner"], t["status"], t["due"]),
                tuple(
                    (
                        str(a["title"]),
                        str(a.get("owner") or ""),
                        str(a["status"]),
                        "" if a.get("due") is None else str(a["due"]),
                    )
                    for a in report.improvement_actions
                ),
            )
        )
    period = f"{months[0]} – {months[-1]}" if len(months) > 1 else months[0]
    return Report(
        lang=lang,
        title=f"{t['supplier.title']}: {report.supplier}",
        subtitle=f"{t['period']} {period}",
        organisation=organisation,
        generated=f"{t['generated']} {(today or dt.date.today()).isoformat()}",
        sections=(
            Section("explanation", t["explanation"], tuple(explanation)),
            Section("figures", t["figures"], tuple(figures)),
            Section("themes", t["themes"], tuple(themes)),
            Section("actions", t["actions"], tuple(actions)),
        ),
        facts={"total": float(report.total)},
    )


def registrar_document(
    bundles: Sequence[RegistrarBundle],
    month: str,
    lang: str,
    *,
    organisation: str,
    explanation: str = "",
    labels: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    trends: Sequence[Trend] = (),
) -> Report:
    """The monthly bundle (one section per registrar, then the month's rising and
    recurring themes) as a :class:`Report`."""
    t = _t(lang)
    names = dict(labels or {})
    overview = Table(
        "registrars",
        t["registrar"],
        (t["registrar"], t["signals"], t["ack_on_time"], t["ack_late"], t["ack_not"]),
        (
            *tuple(
                (
                    b.registrar,
                    b.signals,
                    b.acknowledged_on_time,
                    b.acknowledged_late,
                    b.not_acknowledged,
                )
                for b in bundles
            ),
            (t["total"], sum(b.signals for b in bundles), None, None, None),
        ),
    )
    sections = [
        Section(
            "explanation",
            t["explanation"],
            tuple(_paragraphs(explanation) or [Paragraph(t["no_explanation"], style="missing")]),
        ),
        Section(
            "overview",
            t["figures"],
            (overview,) if bundles else (Paragraph(t["no_signals"], style="note"),),
        ),
    ]
    for i, b in enumerate(bundles, start=1):
        blocks: list[Block] = [
            _counts(
                f"r{i}_category",
                f"{b.registrar}: {t['category']}",
                t["category"],
                {names.get(k, k): v for k, v in b.by_category.items()},
                t,
            ),
            _counts(
                f"r{i}_client_group",
                f"{b.registrar}: {t['client_group']}",
                t["client_group"],
                b.by_client_group,
                t,
            ),
            _counts(f"r{i}_domain", f"{b.registrar}: {t['domain']}", t["domain"], b.by_domain, t),
            _counts(f"r{i}_status", f"{b.registrar}: {t['status']}", t["status"], b.by_status, t),
        ]
        if b.themes:
            blocks.append(
                _counts(f"r{i}_themes", f"{b.registrar}: {t['themes']}", t["theme"], b.themes, t)
            )
        if b.follow_ups:
            blocks.append(
                Table(
                    f"r{i}_follow_ups",
                    f"{b.registrar}: {t['follow_ups']}",
                    (t["signal"], t["date"], t["who"], t["what"]),
                    tuple((f.signal_id, f.at, f.by, f.what) for f in b.follow_ups),
                )
            )
        sections.append(Section(f"registrar-{i}", b.registrar, tuple(blocks)))
    if trends:
        sections.append(Section("trends", t["trends"], tuple(_trend_rows(trends, t))))
    return Report(
        lang=lang,
        title=t["registrar.title"],
        subtitle=f"{t['month']} {month}",
        organisation=organisation,
        generated=f"{t['generated']} {(today or dt.date.today()).isoformat()}",
        sections=tuple(sections),
        facts={"total": float(sum(b.signals for b in bundles))},
    )
