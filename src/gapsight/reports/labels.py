"""Every fixed text of a report, in Dutch and English.

Reports are written in the language of the reader (``nl`` or ``en``), not of the
respondents, so the texts live here as one table of ``key → {nl, en}`` rather than in
the web app's gettext catalogues: a report renders outside any web request, and a test
can check that every key has both languages (no untranslated strings).

Texts may contain ``str.format`` fields (``{n}``, ``{name}``); :func:`label` fills them.

Example::

    >>> label("section.method", "nl")
    'Methode'
    >>> label("conclusion.overall_gap", "en", gap="-0.49")
    'The overall SERVQUAL gap (perception minus expectation) is -0.49.'
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LABELS", "LANGUAGES", "Lang", "label"]

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")

LABELS: dict[str, dict[str, str]] = {
    # title page and sections
    "report.title": {"nl": "Onderzoeksrapport", "en": "Research report"},
    "report.contents": {"nl": "Inhoud", "en": "Contents"},
    "report.generated": {
        "nl": "Gemaakt met gapsight op {date}",
        "en": "Made with gapsight on {date}",
    },
    "report.page": {"nl": "Pagina", "en": "Page"},
    "section.conclusions": {"nl": "Conclusies", "en": "Conclusions"},
    "section.recommendations": {"nl": "Aanbevelingen", "en": "Recommendations"},
    "section.method": {"nl": "Methode", "en": "Method"},
    "section.response": {"nl": "Respons en nauwkeurigheid", "en": "Response and precision"},
    "section.servqual": {"nl": "Kwaliteitskloven (SERVQUAL)", "en": "Quality gaps (SERVQUAL)"},
    "section.items": {"nl": "Resultaten per vraag", "en": "Results per question"},
    "section.reliability": {"nl": "Betrouwbaarheid", "en": "Reliability"},
    "section.scores": {
        "nl": "Klantwaardescore, NPS en rapportcijfers",
        "en": "Customer Value Score, NPS and report grades",
    },
    "section.breakdowns": {"nl": "Uitsplitsingen", "en": "Breakdowns"},
    "section.trend": {"nl": "Ontwikkeling over metingen", "en": "Trend across waves"},
    "section.questionnaire": {
        "nl": "Bijlage: de vragenlijst",
        "en": "Appendix: the questionnaire",
    },
    # method
    "method.study": {"nl": "Onderzoek", "en": "Study"},
    "method.kind": {"nl": "Soort onderzoek", "en": "Type of study"},
    "method.instrument": {"nl": "Vragenlijst", "en": "Questionnaire"},
    "method.mode": {"nl": "Methode van afname", "en": "Mode"},
    "method.mode.email": {
        "nl": "online vragenlijst, uitnodiging per e-mail aan het steekproefbestand",
        "en": "web questionnaire, e-mail invitation to the sample",
    },
    "method.mode.other": {
        "nl": "online vragenlijst via een open link, of ingelezen antwoorden",
        "en": "web questionnaire through an open link, or imported answers",
    },
    "method.anonymity": {"nl": "Anonimiteit", "en": "Anonymity"},
    "method.frequency": {"nl": "Frequentie", "en": "Frequency"},
    "method.frequency.series": {
        "nl": "periodiek, meting {number} van reeks '{series}'",
        "en": "periodic, wave {number} of series '{series}'",
    },
    "method.frequency.single": {"nl": "eenmalige meting", "en": "single measurement"},
    "method.field": {"nl": "Veldwerkperiode", "en": "Field period"},
    "method.field.unknown": {"nl": "niet vastgelegd", "en": "not recorded"},
    "method.reminders": {"nl": "Herinneringen", "en": "Reminders"},
    "method.reminders.value": {
        "nl": "{sent} verstuurd (schema: dag {days} na de uitnodiging)",
        "en": "{sent} sent (schedule: day {days} after the invitation)",
    },
    "method.reminders.none": {
        "nl": "geen schema; {sent} verstuurd",
        "en": "no schedule; {sent} sent",
    },
    "method.min_group": {"nl": "Minimale groepsgrootte", "en": "Minimum group size"},
    "method.aggregation": {"nl": "Aggregatie SERVQUAL", "en": "SERVQUAL aggregation"},
    "method.aggregation.item_means": {
        "nl": "gemiddelde van de itemgemiddelden",
        "en": "mean of item means",
    },
    "method.aggregation.respondent": {
        "nl": "per respondent, daarna gemiddeld",
        "en": "per respondent, then averaged",
    },
    "method.adjust": {"nl": "Correctie meervoudig toetsen", "en": "Multiple-comparison adjustment"},
    "method.adjust.holm": {"nl": "Holm", "en": "Holm"},
    "method.adjust.bh": {"nl": "Benjamini–Hochberg", "en": "Benjamini–Hochberg"},
    "method.adjust.none": {"nl": "geen", "en": "none"},
    "kind.customer": {"nl": "klantonderzoek (KTO)", "en": "customer survey"},
    "kind.employee": {"nl": "medewerkersonderzoek (MTO)", "en": "employee survey"},
    "kind.mirror": {"nl": "spiegelonderzoek", "en": "mirror survey"},
    "kind.management_prediction": {
        "nl": "voorspellingsonderzoek management",
        "en": "management prediction survey",
    },
    "kind.staff_prediction": {
        "nl": "voorspellingsonderzoek medewerkers",
        "en": "staff prediction survey",
    },
    "anonymity.anonymous": {"nl": "anoniem", "en": "anonymous"},
    "anonymity.identified": {"nl": "niet anoniem", "en": "not anonymous"},
    "anonymity.choice": {
        "nl": "naar keuze van de respondent",
        "en": "at the respondent's choice",
    },
    # response
    "response.population": {"nl": "Populatie", "en": "Population"},
    "response.invited": {"nl": "Uitgenodigd", "en": "Invited"},
    "response.valid": {"nl": "Geldige adressen", "en": "Valid addresses"},
    "response.returned": {"nl": "Teruggestuurd", "en": "Returned"},
    "response.excluded": {"nl": "Uitgesloten (leeg)", "en": "Excluded (empty)"},
    "response.complete": {"nl": "Volledig", "en": "Complete"},
    "response.partial": {"nl": "Gedeeltelijk", "en": "Partial"},
    "response.analysed": {"nl": "Geanalyseerd (n)", "en": "Analysed (n)"},
    "response.gross": {"nl": "Bruto respons", "en": "Gross response rate"},
    "response.net": {"nl": "Netto respons", "en": "Net response rate"},
    "response.margin": {"nl": "Nauwkeurigheidsmarge", "en": "Margin of error"},
    "response.no_sample": {
        "nl": "Er is geen steekproefbestand opgeslagen (bijvoorbeeld een open link of een "
        "import): uitnodigingen en responspercentages zijn niet bekend.",
        "en": "No sample was stored (for example an open link or an import): invitations "
        "and response rates are not known.",
    },
    "response.unknown": {"nl": "onbekend", "en": "unknown"},
    # table headings
    "col.item": {"nl": "Vraag", "en": "Question"},
    "col.code": {"nl": "Code", "en": "Code"},
    "col.dimension": {"nl": "Dimensie", "en": "Dimension"},
    "col.n": {"nl": "n", "en": "n"},
    "col.mean": {"nl": "Gem.", "en": "Mean"},
    "col.sd": {"nl": "SD", "en": "SD"},
    "col.expectation": {"nl": "Verwachting (E)", "en": "Expectation (E)"},
    "col.perception": {"nl": "Beleving (P)", "en": "Perception (P)"},
    "col.gap": {"nl": "Kloof (P−E)", "en": "Gap (P−E)"},
    "col.p_adjusted": {"nl": "p (gecorr.)", "en": "p (adjusted)"},
    "col.significant": {"nl": "Significant", "en": "Significant"},
    "col.scale": {"nl": "Schaal", "en": "Scale"},
    "col.items": {"nl": "Items", "en": "Items"},
    "col.alpha": {"nl": "Cronbachs alfa", "en": "Cronbach's alpha"},
    "col.ci": {"nl": "BI", "en": "CI"},
    "col.measure": {"nl": "Maat", "en": "Measure"},
    "col.value": {"nl": "Waarde", "en": "Value"},
    "col.group": {"nl": "Groep", "en": "Group"},
    "col.total": {"nl": "Totaal", "en": "Total"},
    "col.wave": {"nl": "Meting", "en": "Wave"},
    "col.distribution": {"nl": "Verdeling", "en": "Distribution"},
    "col.sufficient": {"nl": "≥ 7", "en": "≥ 7"},
    "col.norm": {"nl": "Norm", "en": "Norm"},
    "col.previous": {"nl": "Vorige meting", "en": "Previous wave"},
    "col.change": {"nl": "Verschil", "en": "Change"},
    "col.p": {"nl": "p (gecorr.)", "en": "p (adjusted)"},
    "col.dont_know": {"nl": "Weet niet", "en": "Don't know"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    "missing_group": {"nl": "(onbekend)", "en": "(unknown)"},
    "suppressed": {"nl": "•", "en": "•"},
    # tables
    "table.method": {"nl": "Opzet van het onderzoek", "en": "Design of the study"},
    "table.response": {"nl": "Respons", "en": "Response"},
    "table.dimensions": {"nl": "Kloof per dimensie", "en": "Gap per dimension"},
    "table.items": {"nl": "Kloof per vraag", "en": "Gap per question"},
    "table.descriptives": {"nl": "Beschrijvende statistiek", "en": "Descriptive statistics"},
    "table.servperf": {"nl": "Beleving per dimensie", "en": "Perception per dimension"},
    "table.reliability": {"nl": "Betrouwbaarheid per schaal", "en": "Reliability per scale"},
    "table.scores": {"nl": "Kerncijfers", "en": "Key figures"},
    "table.grades": {"nl": "Rapportcijfers", "en": "Report grades"},
    "table.changes": {
        "nl": "Verschillen met de vorige meting",
        "en": "Changes since the previous wave",
    },
    "table.breakdown": {"nl": "Uitsplitsing naar {name}", "en": "Breakdown by {name}"},
    "table.trend": {"nl": "Kerncijfers per meting", "en": "Key figures per wave"},
    "measure.overall_gap": {"nl": "SERVQUAL-kloof totaal", "en": "Overall SERVQUAL gap"},
    "measure.cvs": {"nl": "Klantwaardescore (CVS)", "en": "Customer Value Score (CVS)"},
    "measure.nps": {"nl": "Net Promoter Score", "en": "Net Promoter Score"},
    "measure.cvs_satisfaction": {"nl": "CVS: tevredenheid", "en": "CVS: satisfaction"},
    "measure.cvs_loyalty": {"nl": "CVS: loyaliteit", "en": "CVS: loyalty"},
    "measure.cvs_recommend": {"nl": "CVS: aanbeveling", "en": "CVS: recommendation"},
    "measure.gap": {"nl": "Kloof {dimension}", "en": "Gap {dimension}"},
    "measure.perception": {"nl": "Beleving {dimension}", "en": "Perception {dimension}"},
    "measure.grade": {"nl": "Rapportcijfer {dimension}", "en": "Report grade {dimension}"},
    "measure.overall": {"nl": "totaal", "en": "overall"},
    "scale.expectation": {"nl": "Verwachting", "en": "Expectation"},
    "scale.perception": {"nl": "Beleving", "en": "Perception"},
    "scale.full": {"nl": "alle dimensies", "en": "all dimensions"},
    "nps.detail": {
        "nl": "{promoters} promotors, {passives} passief, {detractors} criticasters; "
        "grootste marge ±{margin} punten",
        "en": "{promoters} promoters, {passives} passives, {detractors} detractors; "
        "worst-case margin ±{margin} points",
    },
    # notes
    "note.significance": {
        "nl": "* = significant verschil tussen beleving en verwachting bij {level} na "
        "correctie voor meervoudig toetsen ({method}).",
        "en": "* = significant difference between perception and expectation at {level} "
        "after adjustment for multiple comparisons ({method}).",
    },
    "note.suppressed": {
        "nl": "• = niet getoond om de anonimiteit te beschermen: elke groep moet minstens "
        "{n} antwoorden hebben; waar nodig is ook een tweede groep verborgen, zodat de "
        "kleine groep niet uit het totaal is af te leiden.",
        "en": "• = not shown to protect anonymity: every group needs at least {n} answers; "
        "where needed a second group is hidden too, so the small group cannot be derived "
        "from the total.",
    },
    "note.alpha_low": {
        "nl": "Let op: alfa onder 0,7 bij {scales}; deze schalen meten minder betrouwbaar.",
        "en": "Note: alpha below 0.7 for {scales}; these scales are less reliable.",
    },
    "note.alpha_deleted": {
        "nl": "Het weglaten van {items} zou de alfa van de schaal verhogen.",
        "en": "Deleting {items} would raise the scale's alpha.",
    },
    "note.alpha_undefined": {
        "nl": "Alfa is niet te berekenen voor {scales} (te weinig complete antwoorden of "
        "geen spreiding).",
        "en": "Alpha cannot be computed for {scales} (too few complete answers or no variance).",
    },
    "note.changes": {
        "nl": "Welch t-toets per maat, p gecorrigeerd volgens Holm over alle maten in de "
        "tabel; * = significant bij {level}.",
        "en": "Welch t-test per measure, p adjusted by Holm over all measures in the table; "
        "* = significant at {level}.",
    },
    "note.norm_rule": {
        "nl": "Norm uit de richtlijn: score ≥ 7, of ten minste 10 procentpunt verbeterd ten "
        "opzichte van de vorige meting. Toegepast als: {rule}.",
        "en": "Guideline norm: score ≥ 7, or improved by at least 10 percentage points on "
        "the previous measurement. Applied as: {rule}.",
    },
    "norm.rule.points": {
        "nl": "≥ {level} of ten minste +{points} punt ten opzichte van de vorige meting",
        "en": "≥ {level} or at least +{points} point on the previous wave",
    },
    "norm.rule.relative": {
        "nl": "≥ {level} of ten minste {share} hoger (relatief) dan de vorige meting",
        "en": "≥ {level} or at least {share} higher (relative) than the previous wave",
    },
    "norm.met.level": {"nl": "gehaald (≥ {level})", "en": "met (≥ {level})"},
    "norm.met.improvement": {
        "nl": "gehaald (verbeterd met {change})",
        "en": "met (improved by {change})",
    },
    "norm.not_met": {"nl": "niet gehaald", "en": "not met"},
    "norm.undefined": {"nl": "niet te bepalen", "en": "cannot be determined"},
    "note.breakdown_by_answer": {
        "nl": "Groepen naar het antwoord op de vraag “{question}”.",
        "en": "Groups by the answer to the question “{question}”.",
    },
    "note.breakdown_loaded": {
        "nl": "Groepen naar een kenmerk uit het steekproefbestand.",
        "en": "Groups by a characteristic from the sample file.",
    },
    "note.trend": {
        "nl": "Alle eerdere metingen van dezelfde reeks. Een meting met minder dan {n} "
        "antwoorden op een maat wordt niet getoond.",
        "en": "All earlier waves of the same series. A wave with fewer than {n} answers "
        "on a measure is not shown.",
    },
    "note.ci": {
        "nl": "BI = betrouwbaarheidsinterval ({level}).",
        "en": "CI = confidence interval ({level}).",
    },
    # what is missing
    "missing.no_responses": {
        "nl": "Deze meting heeft (nog) geen bruikbare antwoorden; er zijn geen resultaten "
        "te rapporteren.",
        "en": "This wave has no usable answers (yet); there are no results to report.",
    },
    "missing.few_responses": {
        "nl": "Deze meting heeft {n} bruikbare antwoorden, minder dan de minimale "
        "groepsgrootte van {min_n}: om de anonimiteit te beschermen worden geen "
        "resultaten getoond.",
        "en": "This wave has {n} usable answers, fewer than the minimum group size of "
        "{min_n}: to protect anonymity no results are shown.",
    },
    "missing.servqual": {
        "nl": "Geen SERVQUAL-kloven: de vragenlijst van deze meting bevat geen paren van "
        "verwachting en beleving.",
        "en": "No SERVQUAL gaps: this wave's questionnaire has no pairs of expectation and "
        "perception items.",
    },
    "missing.reliability": {
        "nl": "Geen betrouwbaarheidsanalyse: er zijn geen schalen van twee of meer vragen.",
        "en": "No reliability analysis: there are no scales of two or more items.",
    },
    "missing.cvs": {
        "nl": "Geen klantwaardescore: de drie CVS-vragen zijn niet alle gesteld.",
        "en": "No Customer Value Score: the three CVS questions were not all asked.",
    },
    "missing.nps": {
        "nl": "Geen NPS: er is geen aanbevelingsvraag gesteld.",
        "en": "No NPS: no recommendation question was asked.",
    },
    "missing.grades": {
        "nl": "Geen rapportcijfers: er zijn geen rapportcijfervragen gesteld.",
        "en": "No report grades: no report-grade questions were asked.",
    },
    "missing.previous": {
        "nl": "Er is geen vorige meting in deze reeks: veranderingen en de trend zijn niet "
        "te bepalen; de norm kan alleen op niveau (≥ 7) gehaald worden.",
        "en": "There is no previous wave in this series: changes and the trend cannot be "
        "determined; the norm can only be met by its level (≥ 7).",
    },
    "missing.loaded": {
        "nl": "Er zijn geen kenmerken uit het steekproefbestand geladen: uitsplitsing naar "
        "geladen kenmerken is niet mogelijk.",
        "en": "No characteristics were loaded from the sample file: breakdowns by loaded "
        "characteristics are not possible.",
    },
    "missing.answer_breakdowns": {
        "nl": "De vragenlijst bevat geen keuzevragen om naar uit te splitsen.",
        "en": "The questionnaire has no choice questions to break down by.",
    },
    "missing.recommendations": {
        "nl": "Er zijn nog geen aanbevelingen vastgelegd. Leg ze vast met `gapsight report "
        "--recommendations BESTAND`.",
        "en": "No recommendations have been recorded yet. Record them with `gapsight report "
        "--recommendations FILE`.",
    },
    "missing.figure": {"nl": "Figuur niet beschikbaar.", "en": "Figure not available."},
    # conclusions
    "conclusion.overall_gap": {
        "nl": "De totale SERVQUAL-kloof (beleving min verwachting) is {gap}.",
        "en": "The overall SERVQUAL gap (perception minus expectation) is {gap}.",
    },
    "conclusion.largest_gaps": {
        "nl": "De grootste tekorten (beleving onder verwachting) zijn: {items}.",
        "en": "The largest shortfalls (perception below expectation) are: {items}.",
    },
    "conclusion.no_shortfall": {
        "nl": "Op geen enkele vraag blijft de beleving onder de verwachting.",
        "en": "On no question does perception fall short of expectation.",
    },
    "conclusion.gap_item": {"nl": "“{text}” ({gap}{mark})", "en": "“{text}” ({gap}{mark})"},
    "conclusion.significant_mark": {"nl": ", significant", "en": ", significant"},
    "conclusion.weakest": {
        "nl": "De zwakste dimensie is {dimension} (kloof {gap}); de sterkste is {best} "
        "(kloof {best_gap}).",
        "en": "The weakest dimension is {dimension} (gap {gap}); the strongest is {best} "
        "(gap {best_gap}).",
    },
    "conclusion.changes": {
        "nl": "Significante veranderingen sinds {previous}: {changes}.",
        "en": "Significant changes since {previous}: {changes}.",
    },
    "conclusion.no_changes": {
        "nl": "Sinds {previous} is geen enkele kernmaat significant veranderd.",
        "en": "Since {previous} no key measure has changed significantly.",
    },
    "conclusion.change_item": {"nl": "{measure} {change}", "en": "{measure} {change}"},
    "conclusion.cvs": {
        "nl": "De klantwaardescore is {score}: de norm is {verdict}.",
        "en": "The Customer Value Score is {score}: the norm is {verdict}.",
    },
    "conclusion.grades": {
        "nl": "Rapportcijfers per dimensie die de norm halen: {met}; niet halen: {not_met}.",
        "en": "Dimension report grades meeting the norm: {met}; not meeting it: {not_met}.",
    },
    "conclusion.none": {"nl": "geen", "en": "none"},
    "conclusion.nps": {
        "nl": "De NPS is {score} (BI {low} tot {high}).",
        "en": "The NPS is {score} (CI {low} to {high}).",
    },
    "recommendations.prefill": {
        "nl": "Voorstel op basis van het kloofmodel (door de onderzoeker te bewerken):",
        "en": "Suggestion from the gap model (for the researcher to edit):",
    },
    "remedy.gap5": {
        "nl": "{dimension}: de klantkloof is het gevolg van de andere kloven. Ga na waar het "
        "tekort ontstaat: maak de beloftes concreet in normen per rol (kloof 2), geef "
        "medewerkers training, begeleiding en middelen (kloof 3) en beloof niet meer dan "
        "u waarmaakt (kloof 4).",
        "en": "{dimension}: the customer gap is the sum of the other gaps. Find where the "
        "shortfall arises: turn promises into concrete standards per role (gap 2), give "
        "staff training, supervision and the means to deliver (gap 3), and don't promise "
        "more than you deliver (gap 4).",
    },
    # management summary
    "summary.title": {"nl": "Managementsamenvatting", "en": "Management summary"},
    "summary.numbers": {"nl": "De kerncijfers", "en": "The key numbers"},
    "summary.gaps": {"nl": "De drie grootste kloven", "en": "The three largest gaps"},
    "summary.followup": {"nl": "Opvolging", "en": "Follow-up"},
    "summary.followup_missing": {
        "nl": "Cijfers over de opvolging van promotors en criticasters (op tijd afgehandeld) "
        "zijn in deze versie nog niet in de samenvatting opgenomen.",
        "en": "Figures on the follow-up of promoters and detractors (handled on time) are "
        "not yet part of the summary in this version.",
    },
    "summary.more": {
        "nl": "Het volledige onderzoeksrapport bevat de methode, de respons, alle resultaten, "
        "de uitsplitsingen en de vragenlijst.",
        "en": "The full research report has the method, the response, every result, the "
        "breakdowns and the questionnaire.",
    },
    # questionnaire
    "questionnaire.intro": {
        "nl": "De vragenlijst zoals respondenten die zagen ({language}, versie {ref}).",
        "en": "The questionnaire as respondents saw it ({language}, version {ref}).",
    },
    "questionnaire.language.nl": {"nl": "Nederlands", "en": "Dutch"},
    "questionnaire.language.en": {"nl": "Engels", "en": "English"},
    "questionnaire.answers": {"nl": "Antwoorden", "en": "Answers"},
    "questionnaire.open": {"nl": "open antwoord", "en": "open answer"},
}
"""``key → {"nl": …, "en": …}``; both languages for every key (a test checks it)."""


def label(key: str, lang: Lang | str, **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in; ``KeyError`` for an
    unknown key, ``ValueError`` for an unknown language."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    text = LABELS[key][lang]
    return text.format(**fields) if fields else text
