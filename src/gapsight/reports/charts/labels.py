"""Every text drawn in a figure, in Dutch and English.

One table, :data:`TEXTS`, keyed by a stable id; :func:`text` picks the language. Keeping
all figure texts here lets a test render every figure in both languages and check that
no English label leaks into a Dutch figure and vice versa.

Dimension names default to :data:`DIMENSIONS` (the five SERVQUAL dimensions and the
guideline report-grade dimensions); a caller may pass its own display names (e.g. the
instrument's labels) to any chart.

>>> text("expectation", "nl"), text("expectation", "en")
('Verwachting', 'Expectation')
>>> dimension_name("reliability", "nl")
'Betrouwbaarheid'
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DIMENSIONS", "TEXTS", "dimension_name", "text"]

TEXTS: dict[str, dict[str, str]] = {
    # generic
    "no_data": {"nl": "Geen gegevens om te tonen", "en": "No data to show"},
    "not_available": {"nl": "n.b.", "en": "n/a"},
    "to": {"nl": "tot", "en": "to"},
    "overall": {"nl": "Totaal", "en": "Overall"},
    "ci": {"nl": "95%-betrouwbaarheidsinterval", "en": "95% confidence interval"},
    "ci_level": {"nl": "{level}%-betrouwbaarheidsinterval", "en": "{level}% confidence interval"},
    "scale_points": {"nl": "Score", "en": "Score"},
    "gap_axis": {"nl": "Gap (ervaring − verwachting)", "en": "Gap (perception − expectation)"},
    "shortfall": {"nl": "← tekort", "en": "← shortfall"},
    "surplus": {"nl": "overschot →", "en": "surplus →"},
    # E vs P
    "ep_title": {
        "nl": "Verwachting en ervaring per dimensie",
        "en": "Expectation and perception per dimension",
    },
    "expectation": {"nl": "Verwachting", "en": "Expectation"},
    "perception": {"nl": "Ervaring", "en": "Perception"},
    "gap_short": {"nl": "gap", "en": "gap"},
    "dim_sig_note": {
        "nl": "* gap significant (t-toets per respondent, p < {alpha})",
        "en": "* gap significant (respondent-level t-test, p < {alpha})",
    },
    # item gaps
    "items_title": {"nl": "Gap per stelling, gesorteerd", "en": "Gap per statement, sorted"},
    "sig_item_note": {
        "nl": "* significant na {method}-correctie (p < {alpha}); gearceerd = niet significant",
        "en": "* significant after {method} adjustment (p < {alpha}); hatched = not significant",
    },
    "sig_none_note": {
        "nl": "gearceerd = niet significant (geen correctie voor meervoudig toetsen)",
        "en": "hatched = not significant (no multiple-comparison adjustment)",
    },
    "adjust_holm": {"nl": "Holm", "en": "Holm"},
    "adjust_bh": {"nl": "Benjamini–Hochberg", "en": "Benjamini–Hochberg"},
    "adjust_none": {"nl": "geen", "en": "no"},
    "significant": {"nl": "significant", "en": "significant"},
    "not_significant": {"nl": "niet significant", "en": "not significant"},
    "not_computable": {"nl": "niet berekenbaar", "en": "not computable"},
    # zone of tolerance
    "zone_title": {"nl": "Tolerantiezone per stelling", "en": "Zone of tolerance per statement"},
    "zone_band": {
        "nl": "Tolerantiezone (minimum tot gewenst)",
        "en": "Zone of tolerance (minimum to desired)",
    },
    "below": {"nl": "onder de zone", "en": "below the zone"},
    "within": {"nl": "binnen de zone", "en": "within the zone"},
    "above": {"nl": "boven de zone", "en": "above the zone"},
    "position_unknown": {"nl": "positie onbekend", "en": "position unknown"},
    # CVS
    "cvs_title": {
        "nl": "Customer Value Score en onderdelen",
        "en": "Customer Value Score and parts",
    },
    "cvs": {"nl": "CVS", "en": "CVS"},
    "cvs_satisfaction": {"nl": "Tevredenheid", "en": "Satisfaction"},
    "cvs_loyalty": {"nl": "Loyaliteit", "en": "Loyalty"},
    "cvs_recommend": {"nl": "Aanbeveling", "en": "Recommendation"},
    "norm_line": {"nl": "norm {level}", "en": "norm {level}"},
    "norm_met": {"nl": "norm gehaald ({rule})", "en": "norm met ({rule})"},
    "norm_not_met": {"nl": "norm niet gehaald", "en": "norm not met"},
    "rule_level": {"nl": "≥ {level}", "en": "≥ {level}"},
    "rule_improvement_points": {
        "nl": "verbeterd met ≥ {improvement} punt",
        "en": "improved by ≥ {improvement} point",
    },
    "rule_improvement_relative": {"nl": "relatief verbeterd", "en": "relative improvement"},
    "score_0_10": {"nl": "Score (0–10)", "en": "Score (0–10)"},
    # NPS
    "nps_title": {"nl": "Net Promoter Score", "en": "Net Promoter Score"},
    "promoters": {"nl": "Promotors (9–10)", "en": "Promoters (9–10)"},
    "passives": {"nl": "Passief (7–8)", "en": "Passives (7–8)"},
    "detractors": {"nl": "Criticasters (0–6)", "en": "Detractors (0–6)"},
    "share_of_answers": {"nl": "Aandeel van de antwoorden", "en": "Share of answers"},
    "suppressed": {
        "nl": "niet getoond (te weinig antwoorden)",
        "en": "not shown (too few answers)",
    },
    "nps_value": {"nl": "NPS", "en": "NPS"},
    # trend
    "trend_title": {"nl": "Ontwikkeling per meting", "en": "Trend across waves"},
    "wave": {"nl": "Meting", "en": "Wave"},
    "measure_cvs": {"nl": "CVS (0–10)", "en": "CVS (0–10)"},
    "measure_nps": {"nl": "NPS (−100 tot 100)", "en": "NPS (−100 to 100)"},
    "measure_gap": {"nl": "Gap (ervaring − verwachting)", "en": "Gap (perception − expectation)"},
    "measure_grade": {"nl": "Rapportcijfer (1–10)", "en": "Report grade (1–10)"},
    "measure_perception": {"nl": "Ervaring", "en": "Perception"},
    "measure_score": {"nl": "Score", "en": "Score"},
    "band_note": {
        "nl": "Band: {level}%-betrouwbaarheidsinterval",
        "en": "Band: {level}% confidence interval",
    },
    "one_wave_note": {
        "nl": "Eén meting: nog geen ontwikkeling te zien",
        "en": "One wave: no trend to show yet",
    },
    "reference_line": {"nl": "norm {level}", "en": "norm {level}"},
    # importance-performance
    "ipa_title": {"nl": "Belang–prestatiematrix", "en": "Importance–performance matrix"},
    "performance": {"nl": "Prestatie (gemiddelde ervaring)", "en": "Performance (mean perception)"},
    "importance_stated": {"nl": "Belang (toegekende punten)", "en": "Importance (points given)"},
    "importance_derived": {"nl": "Afgeleid belang", "en": "Derived importance"},
    "crosshair_note": {
        "nl": "Assenkruis op het gemiddelde van de punten",
        "en": "Crosshairs at the mean of the points",
    },
    "crosshair_given_note": {
        "nl": "Assenkruis op opgegeven waarden",
        "en": "Crosshairs at given values",
    },
    "concentrate_here": {"nl": "Hier op concentreren", "en": "Concentrate here"},
    "keep_up_the_good_work": {"nl": "Zo doorgaan", "en": "Keep up the good work"},
    "low_priority": {"nl": "Lage prioriteit", "en": "Low priority"},
    "possible_overkill": {"nl": "Mogelijk overdreven", "en": "Possible overkill"},
    # gap model
    "gm_title": {"nl": "Het gapmodel", "en": "The gap model"},
    "gm_customer": {"nl": "KLANT", "en": "CUSTOMER"},
    "gm_provider": {"nl": "ORGANISATIE", "en": "PROVIDER"},
    "gm_sources": {
        "nl": "mond-tot-mondreclame · persoonlijke behoeften · eerdere ervaring",
        "en": "word of mouth · personal needs · past experience",
    },
    "gm_expected": {"nl": "Verwachte dienstverlening", "en": "Expected service"},
    "gm_perceived": {"nl": "Ervaren dienstverlening", "en": "Perceived service"},
    "gm_delivery": {
        "nl": "Dienstverlening\n(incl. voor- en nazorg)",
        "en": "Service delivery\n(incl. pre- and post-contacts)",
    },
    "gm_communication": {
        "nl": "Externe communicatie\nnaar klanten",
        "en": "External communication\nto customers",
    },
    "gm_specifications": {
        "nl": "Kwaliteitsnormen\nvoor de dienstverlening",
        "en": "Service-quality\nspecifications",
    },
    "gm_management": {
        "nl": "Beeld van management\nvan klantverwachtingen",
        "en": "Management perceptions\nof customer expectations",
    },
    "gm_staff": {
        "nl": "Beeld van medewerkers\nvan klantverwachtingen",
        "en": "Employees' perceptions\nof customer expectations",
    },
    "gap_n": {"nl": "Gap {n}", "en": "Gap {n}"},
    "gap1_name": {"nl": "kennis", "en": "knowledge"},
    "gap2_name": {"nl": "normen", "en": "standards"},
    "gap3_name": {"nl": "uitvoering", "en": "delivery"},
    "gap4_name": {"nl": "communicatie", "en": "communication"},
    "gap5_name": {"nl": "klant", "en": "customer"},
    "gap6_name": {"nl": "afstand", "en": "distance"},
    "gap7_name": {"nl": "afstemming", "en": "alignment"},
    "verdict_present": {"nl": "aanwezig", "en": "present"},
    "verdict_partly": {"nl": "deels", "en": "partly"},
    "verdict_absent": {"nl": "afwezig", "en": "absent"},
    "verdict_not_assessed": {"nl": "niet beoordeeld", "en": "not assessed"},
    "verdict_legend": {"nl": "Oordeel per gap:", "en": "Verdict per gap:"},
    "gm_size_note": {
        "nl": "Getallen: gemeten gap in schaalpunten (1, 5, 6, 7) of aandeel (2, 3, 4)",
        "en": "Numbers: measured gap in scale points (1, 5, 6, 7) or share (2, 3, 4)",
    },
    # mirror
    "mirror_title": {"nl": "Spiegelonderzoek per vraag", "en": "Mirror survey per question"},
    "gap1_title": {
        "nl": "Gap 1: voorspelling management en verwachting klanten",
        "en": "Gap 1: management's prediction and customers' expectations",
    },
    "gap6_title": {
        "nl": "Gap 6: voorspelling medewerkers en verwachting klanten",
        "en": "Gap 6: employees' prediction and customers' expectations",
    },
    "gap7_title": {
        "nl": "Gap 7: voorspelling medewerkers en management",
        "en": "Gap 7: employees' and management's predictions",
    },
    "customers": {"nl": "Klanten", "en": "Customers"},
    "customers_expectation": {"nl": "Klanten (verwachting)", "en": "Customers (expectation)"},
    "employees_mirror": {
        "nl": "Medewerkers (verwachte klantantwoorden)",
        "en": "Employees (expected customer answers)",
    },
    "employees_prediction": {"nl": "Medewerkers (voorspelling)", "en": "Employees (prediction)"},
    "management_prediction": {"nl": "Management (voorspelling)", "en": "Management (prediction)"},
    "reference_group": {"nl": "Referentiegroep", "en": "Reference group"},
    "comparison_group": {"nl": "Vergelijkingsgroep", "en": "Comparison group"},
    "flag_note": {
        "nl": "▲ gemarkeerd: verschil groter dan de drempel\nen significant na correctie "
        "(p < {alpha})",
        "en": "▲ flagged: difference above the threshold\nand significant after adjustment "
        "(p < {alpha})",
    },
    "mean_answer": {"nl": "Gemiddeld antwoord", "en": "Mean answer"},
}
"""Figure texts: id → {"nl": …, "en": …}. Some contain ``{name}`` fields filled by :func:`text`."""

DIMENSIONS: dict[str, dict[str, str]] = {
    "tangibles": {"nl": "Tastbare zaken", "en": "Tangibles"},
    "reliability": {"nl": "Betrouwbaarheid", "en": "Reliability"},
    "responsiveness": {"nl": "Reactiesnelheid", "en": "Responsiveness"},
    "assurance": {"nl": "Zekerheid", "en": "Assurance"},
    "empathy": {"nl": "Empathie", "en": "Empathy"},
    "overall": {"nl": "Algemeen", "en": "Overall"},
    "service": {"nl": "Service", "en": "Service"},
    "quality": {"nl": "Kwaliteit", "en": "Quality"},
    "appearance": {"nl": "Uitstraling", "en": "Appearance"},
    "handling": {"nl": "Afhandeling", "en": "Handling"},
    "expectations": {"nl": "Verwachtingsmanagement", "en": "Expectation management"},
    "crm": {"nl": "Klantrelatiebeheer", "en": "Customer relationship management"},
    "cvs": {"nl": "CVS", "en": "CVS"},
    "kto_service": {"nl": "Service", "en": "Service"},
    "kto_quality": {"nl": "Kwaliteit", "en": "Quality"},
    "kto_appearance": {"nl": "Uitstraling", "en": "Appearance"},
    "kto_reliability": {"nl": "Betrouwbaarheid", "en": "Reliability"},
    "kto_competence": {"nl": "Deskundigheid", "en": "Competence"},
    "kto_handling": {"nl": "Afhandeling", "en": "Handling"},
    "kto_communication": {"nl": "Externe communicatie", "en": "External communication"},
    "kto_expectations": {"nl": "Verwachtingsmanagement", "en": "Expectation management"},
    "kto_crm": {"nl": "Klantrelatiebeheer", "en": "Customer relationship management"},
}
"""Default display names of dimension ids."""


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang``, with its ``{name}`` fields filled from ``values``.

    ``KeyError`` for an unknown key (a programming error, caught by the tests).
    """
    s = TEXTS[key][lang]
    return s.format(**values) if values else s


def dimension_name(dimension: str | None, lang: str, names: Mapping[str, str] | None = None) -> str:
    """Display name of a dimension: ``names`` first, then :data:`DIMENSIONS`, else the id."""
    if dimension is None:
        return ""
    if names and dimension in names:
        return names[dimension]
    if dimension in DIMENSIONS:
        return DIMENSIONS[dimension][lang]
    return dimension
