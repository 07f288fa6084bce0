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
        "nl": "t-toets per maat, p gecorrigeerd volgens Holm over alle maten in de "
        "tabel; * = significant bij {level}.",
        "en": "t-test per measure, p adjusted by Holm over all measures in the table; "
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
        "zijn niet beschikbaar: er is geen casusregistratie aan gapsight gekoppeld.",
        "en": "Figures on the follow-up of promoters and detractors (handled on time) are "
        "not available: no case register is connected to gapsight.",
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
    # gap model, mirror and prediction surveys (issue 7, part 2)
    "section.gapmodel": {
        "nl": "Het kloofmodel: spiegel- en voorspellingsonderzoek",
        "en": "The gap model: mirror and prediction surveys",
    },
    "gapmodel.intro": {
        "nl": "Het kloofmodel verklaart de klantkloof (kloof 5) uit kloven binnen de "
        "organisatie. Kloven 1, 6 en 7 zijn gemeten door de voorspellingen van management "
        "en medewerkers te vergelijken met wat klanten verwachten; kloven 2, 3 en 4 zijn "
        "beoordeeld door mensen (interviews, documenten, registraties).",
        "en": "The gap model explains the customer gap (gap 5) by gaps inside the "
        "organisation. Gaps 1, 6 and 7 are measured by comparing the predictions of "
        "management and staff with what customers expect; gaps 2, 3 and 4 are assessed "
        "by people (interviews, documents, records).",
    },
    "gapmodel.figure": {"nl": "Het kloofmodel", "en": "The gap model"},
    "table.gapmodel": {
        "nl": "Oordeel en grootte per kloof",
        "en": "Verdict and size per gap",
    },
    "col.gap_no": {"nl": "Kloof", "en": "Gap"},
    "col.name": {"nl": "Naam", "en": "Name"},
    "col.verdict": {"nl": "Oordeel", "en": "Verdict"},
    "col.size": {"nl": "Grootte", "en": "Size"},
    "col.basis": {"nl": "Onderbouwing", "en": "Basis"},
    "gap.name.1": {"nl": "Kenniskloof", "en": "Knowledge gap"},
    "gap.name.2": {"nl": "Normenkloof", "en": "Standards gap"},
    "gap.name.3": {"nl": "Uitvoeringskloof", "en": "Delivery gap"},
    "gap.name.4": {"nl": "Communicatiekloof", "en": "Communication gap"},
    "gap.name.5": {"nl": "Klantkloof", "en": "Customer gap"},
    "gap.name.6": {"nl": "Afstandskloof", "en": "Distance gap"},
    "gap.name.7": {"nl": "Afstemmingskloof", "en": "Alignment gap"},
    "verdict.present": {"nl": "aanwezig", "en": "present"},
    "verdict.partly": {"nl": "deels", "en": "partly"},
    "verdict.absent": {"nl": "afwezig", "en": "absent"},
    "verdict.not_assessed": {"nl": "niet beoordeeld", "en": "not assessed"},
    "gapmodel.basis.5": {
        "nl": "gemeten: SERVQUAL onder klanten (P − E)",
        "en": "measured: SERVQUAL among customers (P − E)",
    },
    "gapmodel.basis.1": {
        "nl": "gemeten: voorspelling management − verwachting klanten",
        "en": "measured: management's prediction − customers' expectation",
    },
    "gapmodel.basis.6": {
        "nl": "gemeten: voorspelling medewerkers − verwachting klanten",
        "en": "measured: employees' prediction − customers' expectation",
    },
    "gapmodel.basis.7": {
        "nl": "gemeten: voorspelling medewerkers − voorspelling management",
        "en": "measured: employees' prediction − management's prediction",
    },
    "gapmodel.basis.recorded": {"nl": "beoordeeld: {text}", "en": "assessed: {text}"},
    "gapmodel.basis.no_wave": {
        "nl": "niet gemeten: geen gekoppelde {wave}",
        "en": "not measured: no linked {wave}",
    },
    "gapmodel.basis.too_few": {
        "nl": "niet gemeten: te weinig respondenten (minder dan de minimale groepsgrootte)",
        "en": "not measured: too few respondents (below the minimum group size)",
    },
    "gapmodel.basis.no_items": {
        "nl": "niet gemeten: geen gemeenschappelijke vragen",
        "en": "not measured: no questions in common",
    },
    "gapmodel.basis.not_recorded": {
        "nl": "nog niet beoordeeld (vast te leggen bij het rapport)",
        "en": "not assessed yet (to be recorded with the report)",
    },
    "gapmodel.wave.gap1": {
        "nl": "managementvoorspelling",
        "en": "management prediction",
    },
    "gapmodel.wave.gap6": {
        "nl": "medewerkersvoorspelling",
        "en": "staff prediction",
    },
    "gapmodel.wave.gap7": {
        "nl": "management- en medewerkersvoorspelling",
        "en": "management and staff prediction",
    },
    "gapmodel.wave.mirror": {"nl": "spiegelmeting", "en": "mirror survey"},
    "gapmodel.size_note": {
        "nl": "Grootte: gemiddelde kloof in schaalpunten (kloven 1, 5, 6, 7) of het "
        "vastgelegde aandeel (kloven 2, 3, 4). Een gemeten kloof is aanwezig als een "
        "dimensie, deels als alleen vragen de drempel overschrijden en significant "
        "verschillen na correctie.",
        "en": "Size: mean gap in scale points (gaps 1, 5, 6, 7) or the recorded share "
        "(gaps 2, 3, 4). A measured gap is present when a dimension, partly when only "
        "questions exceed the threshold and differ significantly after adjustment.",
    },
    "comparison.mirror": {
        "nl": "Spiegelonderzoek: medewerkers en klanten",
        "en": "Mirror survey: employees and customers",
    },
    "comparison.gap1": {
        "nl": "Kloof 1: voorspelling van het management",
        "en": "Gap 1: management's prediction",
    },
    "comparison.gap6": {
        "nl": "Kloof 6: voorspelling van medewerkers",
        "en": "Gap 6: employees' prediction",
    },
    "comparison.gap7": {
        "nl": "Kloof 7: medewerkers en management",
        "en": "Gap 7: employees and management",
    },
    "comparison.intro.mirror": {
        "nl": "{n_cmp} medewerkers met klantcontact vulden de klantvragenlijst in zoals zij "
        "denken dat klanten dat doen; {n_ref} klanten antwoordden. Een positieve kloof op "
        "de waarderingen betekent dat medewerkers hun dienstverlening beter inschatten dan "
        "klanten die ervaren (servicemoeheid of -blindheid).",
        "en": "{n_cmp} customer-contact employees answered the customer questionnaire as "
        "they expect customers to; {n_ref} customers answered. A positive gap on the "
        "perceptions means staff rate their service better than customers experience it "
        "(service blindness).",
    },
    "comparison.intro.gap1": {
        "nl": "{n_cmp} managers beantwoordden de verwachtingsvragen als 'wat verwachten onze "
        "klanten?'; vergeleken met {n_ref} klanten. Kloof = voorspelling − verwachting.",
        "en": "{n_cmp} managers answered the expectation items as 'what do our customers "
        "expect?'; compared with {n_ref} customers. Gap = prediction − expectation.",
    },
    "comparison.intro.gap6": {
        "nl": "{n_cmp} medewerkers met klantcontact beantwoordden de verwachtingsvragen als "
        "'wat verwachten onze klanten?'; vergeleken met {n_ref} klanten. Kloof = "
        "voorspelling − verwachting.",
        "en": "{n_cmp} customer-contact employees answered the expectation items as 'what "
        "do our customers expect?'; compared with {n_ref} customers. Gap = prediction − "
        "expectation.",
    },
    "comparison.intro.gap7": {
        "nl": "De voorspelling van {n_cmp} medewerkers vergeleken met die van {n_ref} "
        "managers. Kloof = medewerkers − management.",
        "en": "The prediction of {n_cmp} employees compared with that of {n_ref} managers. "
        "Gap = employees − management.",
    },
    "table.comparison_dimensions": {"nl": "{title}: per dimensie", "en": "{title}: per dimension"},
    "table.comparison_items": {"nl": "{title}: per vraag", "en": "{title}: per question"},
    "col.reference": {"nl": "Referentie", "en": "Reference"},
    "col.comparison": {"nl": "Vergelijking", "en": "Comparison"},
    "col.flag": {"nl": "Signaal", "en": "Flag"},
    "flag.yes": {"nl": "ja", "en": "yes"},
    "group.customer": {"nl": "Klanten", "en": "Customers"},
    "group.mirror": {"nl": "Medewerkers", "en": "Employees"},
    "group.management_prediction": {"nl": "Management", "en": "Management"},
    "group.staff_prediction": {"nl": "Medewerkers", "en": "Employees"},
    "part.expectation": {"nl": "verwachting", "en": "expectation"},
    "part.perception": {"nl": "waardering", "en": "perception"},
    "note.comparison": {
        "nl": "Welch-toets per vraag en per dimensie, p-waarden gecorrigeerd met {method}. "
        "Signaal: |kloof| groter dan {threshold} punt op een 5-puntsschaal (naar rato op "
        "andere schalen) én significant (α = {alpha}). * = significant.",
        "en": "Welch test per question and per dimension, p-values adjusted with {method}. "
        "Flag: |gap| larger than {threshold} points on a 5-point scale (in proportion on "
        "other scales) and significant (α = {alpha}). * = significant.",
    },
    "comparison.none": {
        "nl": "Er zijn geen spiegel- of voorspellingsmetingen aan deze meting gekoppeld; "
        "kloven 1, 6 en 7 zijn daarom niet gemeten.",
        "en": "No mirror or prediction waves are linked to this wave, so gaps 1, 6 and 7 "
        "were not measured.",
    },
    "conclusion.mirror": {
        "nl": "Spiegelonderzoek: medewerkers schatten {count} vragen duidelijk anders in dan "
        "klanten; het grootst bij {items}.",
        "en": "Mirror survey: employees rate {count} questions clearly differently from "
        "customers; most of all {items}.",
    },
    "conclusion.mirror_none": {
        "nl": "Spiegelonderzoek: medewerkers schatten de klantoordelen goed in (geen vraag "
        "met een duidelijke en significante kloof).",
        "en": "Mirror survey: employees judge customers' answers well (no question with a "
        "clear and significant gap).",
    },
    # paired changes
    "note.changes_paired": {
        "nl": "Gepaarde t-toets: {matched} respondenten beantwoordden beide metingen "
        "(hun antwoorden worden met zichzelf vergeleken).",
        "en": "Paired t-test: {matched} respondents answered both waves (their answers are "
        "compared with their own).",
    },
    "note.changes_welch": {
        "nl": "Welch-toets (metingen als onafhankelijke steekproeven): {matched} van de {n} "
        "respondenten beantwoordden ook de vorige meting; een gepaarde toets vraagt minstens "
        "de helft.",
        "en": "Welch test (waves as independent samples): {matched} of the {n} respondents "
        "also answered the previous wave; a paired test needs at least half.",
    },
    # feedback reports
    "feedback.customer.title": {
        "nl": "U zei, wij deden: terugkoppeling aan onze klanten",
        "en": "You said, we did: feedback to our customers",
    },
    "feedback.employee.title": {
        "nl": "Terugkoppeling aan medewerkers",
        "en": "Feedback to employees",
    },
    "feedback.customer.intro": {
        "nl": "{n} klanten vulden onze vragenlijst in. Hartelijk dank! Hieronder leest u in "
        "het kort wat u ons vertelde en wat {organisation} ermee doet. De resultaten zijn "
        "samengevat voor alle klanten samen: niemand is herkenbaar.",
        "en": "{n} customers answered our questionnaire. Thank you! Below, in short, is what "
        "you told us and what {organisation} does with it. The results are summarised for "
        "all customers together: no one can be recognised.",
    },
    "feedback.customer.thanks": {
        "nl": "We meten opnieuw bij de volgende meting en laten u dan weer weten wat er "
        "veranderd is.",
        "en": "We will measure again in the next wave and let you know again what has changed.",
    },
    "feedback.employee.intro": {
        "nl": "{n} klanten beantwoordden '{name}'. Dit is wat zij van onze dienstverlening "
        "vinden, samengevat voor alle klanten samen.",
        "en": "{n} customers answered '{name}'. This is what they think of our service, "
        "summarised for all customers together.",
    },
    "feedback.employee.mto_intro": {
        "nl": "{n} collega's vulden '{name}' anoniem in. Gemiddelde per vraag.",
        "en": "{n} colleagues answered '{name}' anonymously. Mean per question.",
    },
    "feedback.employee.mirror_intro": {
        "nl": "Collega's met klantcontact vulden de klantvragenlijst in zoals zij denken dat "
        "klanten dat doen. Een positief verschil: wij denken dat klanten ons beter "
        "waarderen dan zij doen.",
        "en": "Customer-contact colleagues answered the customer questionnaire as they "
        "expect customers to. A positive difference: we think customers rate us better "
        "than they do.",
    },
    "feedback.said": {"nl": "Wat u ons vertelde", "en": "What you told us"},
    "feedback.did": {"nl": "Wat we ermee deden", "en": "What we did"},
    "feedback.next": {"nl": "En nu", "en": "What next"},
    "feedback.customers": {"nl": "Wat klanten vinden", "en": "What customers think"},
    "feedback.mto": {"nl": "Medewerkersonderzoek", "en": "Employee survey"},
    "feedback.mirror": {
        "nl": "Kennen wij onze klanten? (spiegelonderzoek)",
        "en": "Do we know our customers? (mirror survey)",
    },
    "feedback.numbers": {"nl": "De belangrijkste cijfers", "en": "The key numbers"},
    "feedback.mto_items": {"nl": "Resultaten per vraag", "en": "Results per question"},
    "feedback.best": {
        "nl": "Het best scoort: {dimension}.",
        "en": "Best: {dimension}.",
    },
    "feedback.worst": {
        "nl": "Hier blijven we het meest achter bij wat klanten verwachten: {dimension}.",
        "en": "Where we fall furthest short of what customers expect: {dimension}.",
    },
    "feedback.shortfalls": {
        "nl": "De drie punten waarop we het meest tekortschieten:",
        "en": "The three points where we fall short most:",
    },
    "feedback.actions": {"nl": "Verbeteracties", "en": "Improvement actions"},
    "feedback.action.done": {"nl": "afgerond", "en": "done"},
    "feedback.action.doing": {"nl": "in uitvoering", "en": "under way"},
    "col.action": {"nl": "Actie", "en": "Action"},
    "col.status": {"nl": "Stand", "en": "Status"},
    "col.result": {"nl": "Resultaat", "en": "Result"},
    "feedback.no_actions": {
        "nl": "Er zijn nog geen verbeteracties vastgelegd.",
        "en": "No improvement actions have been recorded yet.",
    },
    "feedback.no_wave": {
        "nl": "Er zijn geen resultaten.",
        "en": "There are no results.",
    },
    "feedback.too_few": {
        "nl": "Te weinig antwoorden om resultaten te tonen (minimaal {min_n}, zodat niemand "
        "herkenbaar is).",
        "en": "Too few answers to show results (at least {min_n}, so that no one can be "
        "recognised).",
    },
    "feedback.no_employee": {
        "nl": "Er is geen medewerkersonderzoek aan deze meting gekoppeld.",
        "en": "No employee survey is linked to this wave.",
    },
    "feedback.no_mirror": {
        "nl": "Er is geen spiegelonderzoek aan deze meting gekoppeld.",
        "en": "No mirror survey is linked to this wave.",
    },
    "feedback.too_few_mirror": {
        "nl": "Te weinig deelnemers aan het spiegelonderzoek om resultaten te tonen.",
        "en": "Too few took part in the mirror survey to show results.",
    },
    "feedback.suppressed": {
        "nl": "• = minder dan {min_n} antwoorden, niet getoond zodat niemand herkenbaar is.",
        "en": "• = fewer than {min_n} answers, not shown so that no one can be recognised.",
    },
    "feedback.enps": {
        "nl": "eNPS (zou u ons aanbevelen als werkgever?): {score} (BI {low} tot {high}).",
        "en": "eNPS (would you recommend us as an employer?): {score} (CI {low} to {high}).",
    },
    "feedback.staff_expected": {"nl": "Verwacht door ons", "en": "Expected by us"},
    # management summary: loop metrics
    "summary.loop": {
        "nl": "Opvolging van promotors en criticasters",
        "en": "Follow-up of promoters and detractors",
    },
    "summary.loop.flagged": {"nl": "Gesignaleerd", "en": "Flagged"},
    "summary.loop.closed": {"nl": "Afgehandeld", "en": "Closed"},
    "summary.loop.on_time": {"nl": "Op tijd afgehandeld", "en": "Closed on time"},
    "summary.loop.overdue": {"nl": "Open en te laat", "en": "Open and overdue"},
    "summary.trend": {"nl": "De ontwikkeling", "en": "The trend"},
    "col.share": {"nl": "Aandeel", "en": "Share"},
    "col.difference": {"nl": "Verschil", "en": "Difference"},
    "col.comparison_gap": {"nl": "Kloof", "en": "Gap"},
    # the gap model's typical remedies (gap-model.md)
    "remedy.gap1": {
        "nl": "Kenniskloof (kloof 1): vraag klanten rechtstreeks wat zij verwachten en luister "
        "naar medewerkers met klantcontact.",
        "en": "Knowledge gap (gap 1): ask customers directly what they expect and listen to "
        "front-line staff.",
    },
    "remedy.gap2": {
        "nl": "Normenkloof (kloof 2): vertaal de strategie in concrete servicenormen en doelen "
        "per rol.",
        "en": "Standards gap (gap 2): turn the strategy into concrete service standards and "
        "goals per role.",
    },
    "remedy.gap3": {
        "nl": "Uitvoeringskloof (kloof 3): geef medewerkers training, begeleiding en de "
        "middelen om de normen waar te maken.",
        "en": "Delivery gap (gap 3): give staff training, supervision and the means to meet "
        "the standards.",
    },
    "remedy.gap4": {
        "nl": "Communicatiekloof (kloof 4): communiceer intern wat extern beloofd wordt en "
        "beloof niet meer dan u waarmaakt.",
        "en": "Communication gap (gap 4): communicate internally what is promised externally "
        "and don't over-promise.",
    },
    "remedy.gap6": {
        "nl": "Afstandskloof (kloof 6): leer medewerkers de verwachtingen van klanten kennen; "
        "organiseer de dialoog tussen management en medewerkers.",
        "en": "Distance gap (gap 6): train staff to understand customers' expectations; "
        "organise the dialogue between management and staff.",
    },
    "remedy.gap7": {
        "nl": "Afstemmingskloof (kloof 7): regelmatig overleg tussen management en "
        "medewerkers naar één gedeeld beeld van de klant.",
        "en": "Alignment gap (gap 7): regular communication between management and staff "
        "towards one shared picture of the customer.",
    },
}
"""``key → {"nl": …, "en": …}``; both languages for every key (a test checks it)."""


def label(key: str, lang: Lang | str, **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in; ``KeyError`` for an
    unknown key, ``ValueError`` for an unknown language."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    text = LABELS[key][lang]
    return text.format(**fields) if fields else text
