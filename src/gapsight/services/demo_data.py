"""The demo organisation: seeded, realistic synthetic survey data (pure, no database).

``generate()`` builds *Veldhuis Facilitair*, an invented Dutch facility-services
company (cleaning, catering, security, technical maintenance) with four customer
segments, and six waves of responses:

=====================  ==========================  ===================================
key                    kind                        who answers
=====================  ==========================  ===================================
``klant-2024``         customer                    340 customer contacts (SERVQUAL-22
                                                   E and P, importance points, overall
                                                   grade, CVS, KTO grades)
``klant-2025``         customer (follows 2024)     380 customer contacts, a year later
``medewerkers-2025``   employee (always anonymous) 158 employees (MTO)
``spiegel-2025``       mirror                      customer-contact staff, answering
                                                   the customer questionnaire as they
                                                   expect customers to
``management-2025``    management_prediction       managers, answering the expectation
                                                   items as "what do our customers
                                                   expect?"
``voorspelling-2025``  staff_prediction            customer-contact staff, answering
                                                   the same prediction questions
=====================  ==========================  ===================================

The data are drawn from a small **latent-variable model**, so that reports made from
them are worth reading. For every respondent and SERVQUAL dimension ``d`` a standard
normal factor ``F_d`` is drawn; the five factors share a general factor (a halo), so
dimensions correlate about 0.36. An item answer is::

    x_i = mean_i + shift_d(segment, business unit) + sd · (λ·F_d + √(1−λ²)·ε_i)

on a 7-point reference scale, then mapped linearly onto the item's real scale, rounded
and clipped to its bounds. With λ = 0.77 the items of one dimension correlate about
0.6, which gives Cronbach's alpha of roughly 0.8–0.9 per dimension, as in published
SERVQUAL studies. The overall grade, the CVS questions and the KTO grades are linear in
the respondent's perceived quality per dimension, with reliability weighted most, so a
key-driver analysis finds reliability on top.

Planted patterns (tests check that each one is really in the data):

- a **reliability shortfall**: the largest negative gap is reliability (items 5–9),
  worst on ``07`` "right the first time";
- an **improved dimension**: responsiveness perceptions rise by about 0.65 points from
  2024 to 2025 (a new planning desk), a clearly significant Welch test;
- a **mirror blind spot**: staff predict reliability perceptions about one point
  higher than customers report ("service blindness");
- **gap 1**: management underestimates how much individual attention (empathy)
  customers expect by about one point; customer-contact staff underestimate it less
  (**gap 6** about −0.4), so **gap 7** (staff − management) is positive: listen to
  the front line;
- CVS around 7 and a slightly positive NPS; don't-knows on perceptions (most on ``09``
  "error-free records", which customers cannot see); partial responses that stopped
  halfway; a small segment (*Evenementen*, 8 and 7 respondents) that breakdowns
  must suppress.

The same seed gives the same data on every machine: each wave draws from its own
child of one :class:`numpy.random.SeedSequence`, so changing one wave leaves the others
untouched.

Example::

    >>> demo = generate()
    >>> [w.study.key for w in demo.waves][:3]
    ['klant-2024', 'klant-2025', 'medewerkers-2025']
    >>> demo.wave("klant-2024").table.n
    340
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument, Item, Scale
from gapsight.io.table import ResponseTable, SampleTable

__all__ = [
    "DEFAULT_SEED",
    "DIMENSIONS",
    "DemoInstruments",
    "DemoOrganisation",
    "DemoStudy",
    "DemoWave",
    "StudyKind",
    "default_instruments",
    "generate",
]

DEFAULT_SEED = 20241007
"""The seed of the published demo (the first day of the first customer wave)."""

StudyKind = Literal["customer", "employee", "mirror", "management_prediction", "staff_prediction"]
Anonymity = Literal["identified", "anonymous", "choice"]
Status = Literal["complete", "partial"]

DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
"""SERVQUAL dimension ids, in the order of the arrays below."""

ORGANISATION = "Veldhuis Facilitair"
SLUG = "veldhuis-facilitair"
SECTOR = {"nl": "facilitaire dienstverlening", "en": "facility services"}
BUSINESS_UNITS = ("Schoonmaak", "Catering", "Beveiliging", "Technisch beheer")
SEGMENTS = ("Kantoren", "Zorg", "Onderwijs", "Evenementen")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# ------------------------------------------------------------------------------------
# Model parameters, on the 7-point reference scale (1 = strongly disagree … 7).
# Index i is statement i+1 of SERVQUAL-22 (instruments.md §1).
# ------------------------------------------------------------------------------------

_PAIR_DIMENSION = np.array([0] * 4 + [1] * 5 + [2] * 4 + [3] * 4 + [4] * 5)
"""Dimension index (into :data:`DIMENSIONS`) of each of the 22 statements."""

_E_MEAN = np.concatenate(
    [
        [5.3, 5.0, 5.7, 4.9],  # tangibles: modest expectations
        [6.6, 6.3, 6.6, 6.5, 6.2],  # reliability: the highest
        [6.0, 6.1, 6.2, 5.8],
        [6.2, 6.3, 6.2, 6.3],
        [5.6, 5.4, 5.7, 5.9, 5.9],
    ]
)
_P_MEAN_2024 = np.concatenate(
    [
        [5.5, 5.3, 5.6, 5.0],
        [5.0, 5.3, 4.4, 4.9, 5.0],  # 07 "right the first time" is the worst
        [5.0, 4.9, 5.5, 4.8],  # responsiveness: slow in 2024
        [5.7, 5.9, 6.0, 5.6],
        [5.1, 5.3, 5.0, 5.3, 5.2],
    ]
)
_P_CHANGE_2025 = np.array([0.05, 0.10, 0.65, 0.05, 0.05])
"""Per-dimension change of perceptions from 2024 to 2025: responsiveness improved."""

_MIRROR_P = np.array([0.10, 1.00, 0.20, 0.20, 0.10])
"""How much higher customer-contact staff predict perceptions than customers report."""

_MIRROR_E = np.array([-0.10, -0.10, -0.10, -0.10, -0.10])
_MANAGEMENT_E = np.array([0.20, -0.20, -0.10, 0.00, -1.00])
"""Management's predicted expectations minus the customers': empathy underestimated."""
_STAFF_E = np.array([0.00, -0.10, 0.10, 0.00, -0.40])
"""Customer-contact staff's predicted expectations minus the customers' (gap 6)."""

_E_SD, _P_SD, _LOADING, _HALO = 0.85, 1.15, 0.77, 0.36

_GRADE_WEIGHTS = np.array([0.10, 0.45, 0.20, 0.13, 0.12])
"""Weight of each dimension's perceived quality in the overall grade and CVS."""

_KTO: Mapping[str, tuple[float, tuple[float, float, float, float, float]]] = {
    # code: (mean on 1-10, weights over T, R, Rs, A, E)
    "grade_service": (7.1, (0, 0.2, 0.4, 0.1, 0.3)),
    "grade_quality": (6.9, (0.2, 0.6, 0, 0.2, 0)),
    "grade_appearance": (7.4, (0.8, 0, 0, 0.2, 0)),
    "grade_reliability": (6.3, (0, 1, 0, 0, 0)),
    "grade_competence": (7.3, (0, 0.2, 0, 0.8, 0)),
    "grade_handling": (6.6, (0, 0.5, 0.5, 0, 0)),
    "grade_communication": (6.7, (0, 0.2, 0.5, 0, 0.3)),
    "grade_expectations": (6.8, (0.2, 0.2, 0.3, 0, 0.3)),
    "grade_crm": (6.9, (0, 0.2, 0.2, 0, 0.6)),
}

_CVS = {
    # code: (mean on 0-10, weight of perceived quality, noise SD)
    "cvs_satisfaction": (7.0, 1.5, 0.7),
    "cvs_loyalty": (7.3, 1.2, 0.9),
    "cvs_recommend": (7.65, 1.6, 0.9),
}

_MTO: Mapping[str, tuple[float, str]] = {
    # code: (mean as share of the range, or a grade on 1-10 / 0-10; factor block)
    "ic_results": (0.55, "communication"),
    "ic_news": (0.62, "communication"),
    "ic_developments": (0.50, "communication"),
    "ic_research": (0.36, "communication"),
    "ic_known": (0.55, "communication"),
    "ic_grade": (6.4, "communication"),
    "drv_feedback": (0.50, "work"),
    "drv_autonomy": (0.68, "work"),
    "drv_support": (0.74, "work"),
    "drv_alignment": (0.62, "work"),
    "drv_customer_connection": (0.70, "work"),
    "drv_effort": (0.58, "work"),
    "esat": (7.1, "results"),
    "enps": (7.0, "results"),
}

_IMPORTANCE = np.array([0.13, 0.31, 0.22, 0.18, 0.16])
"""Mean share of the 100 importance points per dimension (reliability most)."""

_DONT_KNOW = {"p04": 0.06, "p09": 0.14, "p19": 0.05, "p02": 0.04}
"""Chance of "don't know" per perception statement; others :data:`_DONT_KNOW_BASE`."""
_DONT_KNOW_BASE = 0.02

_SEGMENT_SHIFT = {
    # (perception shift, expectation shift) per dimension, in reference points
    "Kantoren": ((0, 0, 0, 0, 0), (0, 0, 0, 0, 0)),
    "Zorg": ((0, -0.25, 0, 0, 0.1), (0, 0.2, 0.1, 0, 0.1)),
    "Onderwijs": ((0, 0.15, 0.1, 0, 0.1), (-0.1, 0, 0, 0, 0)),
    "Evenementen": ((0.2, -0.4, 0.3, 0, 0), (0.2, 0.2, 0.2, 0, 0)),
}
_UNIT_SHIFT = {
    "Schoonmaak": (0, -0.1, 0, 0, 0),
    "Catering": (0.2, 0.1, 0, 0.1, 0.2),
    "Beveiliging": (0, 0.1, 0.1, 0.2, -0.1),
    "Technisch beheer": (-0.1, -0.3, -0.2, 0.1, -0.1),
}

_COMMENTS = {
    "tangibles": (
        "De schoonmaakkarren zien er versleten uit.",
        "Het materiaal mag wel eens vervangen worden.",
    ),
    "reliability": (
        "Te vaak moet werk opnieuw worden gedaan.",
        "Afspraken worden niet altijd nagekomen.",
        "De facturen kloppen regelmatig niet.",
        "Het gaat vaak pas de tweede keer goed.",
        "Graag meer controle op de uitvoering.",
    ),
    "responsiveness": (
        "Het duurt lang voordat er gereageerd wordt.",
        "Bij storingen moeten we te lang wachten.",
    ),
    "assurance": (
        "Niet alle medewerkers weten het antwoord op onze vragen.",
        "Meer vaste gezichten zou het vertrouwen vergroten.",
    ),
    "empathy": (
        "Ik mis een vast aanspreekpunt dat ons kent.",
        "Meer meedenken met onze specifieke situatie graag.",
    ),
}
_PRAISE = (
    "Prettige samenwerking, ga zo door.",
    "Vriendelijke en behulpzame medewerkers.",
    "Sinds dit jaar reageert de planning veel sneller.",
)

_OTHER_RELATIONSHIP = (
    "Alleen evenementen",
    "Proefperiode",
    "Via een inkoopcombinatie",
)

_EMPLOYEE_COMMENTS = (
    "Ik hoor nooit wat klanten van ons vinden.",
    "Meer overleg met de planning zou veel schelen.",
    "Fijne collega's, maar de werkdruk is hoog.",
    "Graag betere materialen op locatie.",
    "Het management is weinig zichtbaar op de werkvloer.",
    "Ik zou graag meer cursussen willen volgen.",
)

_FIRST_NAMES = (  # noqa: SIM905 (a readable block of names)
    "Anna Bram Daan Emma Eva Fleur Floor Iris Jan Jesse Joost Julia Kees Lars Lieke Lotte "
    "Luuk Maaike Marieke Mark Martijn Noor Paul Pieter Rik Roos Ruben Sanne Sander Sara "
    "Sem Sophie Stijn Thijs Tim Tom Vera Wouter Yara Zoë Ahmed Fatima Mohamed Priya"
).split()
_SURNAMES = (  # noqa: SIM905
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
    "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|"
    "Dijkstra|Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|"
    "van den Heuvel|van der Veen|van den Broek|de Bruijn|Schouten|Kaya|Yilmaz|El Amrani"
).split("|")


# ------------------------------------------------------------------------------------
# Result types
# ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStudy:
    """What the loader needs to create one study (wave) through the study service.

    Attributes:
        key: short stable key, also the study's code (``klant-2025``).
        name: display name (Dutch, as the organisation would name it).
        kind: study kind (``customer``, ``employee``, ``mirror``,
            ``management_prediction``).
        instrument_ref: ``"<id>@<version>"`` of the instrument the answers are coded in.
        field_start, field_end: the field period (inclusive).
        population_size: size of the population the sample represents (for the
            margin of error).
        anonymity: ``identified``, ``anonymous`` or ``choice`` (respondent chooses).
        min_group_size: smallest group a breakdown may show.
        previous: ``key`` of the wave this one follows, or ``None``.
        description: one sentence on who was asked what.
    """

    key: str
    name: str
    kind: StudyKind
    instrument_ref: str
    field_start: date
    field_end: date
    population_size: int
    anonymity: Anonymity
    min_group_size: int
    previous: str | None
    description: str


@dataclass(frozen=True)
class DemoWave:
    """One wave: study metadata, the invited sample and the responses.

    ``table.respondent_keys`` holds the ``external_id`` of the contact behind each
    response (``None`` when the respondent is anonymous), so a loader can link a
    response to its invitation. ``statuses`` is ``complete`` or ``partial`` per row;
    ``answered_on`` the day each respondent answered, within the field period.
    """

    study: DemoStudy
    instrument: Instrument
    sample: SampleTable
    table: ResponseTable
    statuses: tuple[Status, ...]
    answered_on: tuple[date, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    """The whole demo: the organisation and its waves, in loading order."""

    name: str
    slug: str
    sector: Mapping[str, str]
    business_units: tuple[str, ...]
    segments: tuple[str, ...]
    waves: tuple[DemoWave, ...]
    seed: int

    def wave(self, key: str) -> DemoWave:
        """The wave with ``key``; ``KeyError`` listing the keys otherwise."""
        for w in self.waves:
            if w.study.key == key:
                return w
        raise KeyError(f"no demo wave {key!r}; waves: {', '.join(w.study.key for w in self.waves)}")


@dataclass(frozen=True)
class DemoInstruments:
    """The instruments the demo answers. ``customer`` combines SERVQUAL-22, CVS and KTO;
    ``mirror``, ``prediction`` (management's) and ``staff_prediction`` are its variants;
    ``employee`` is the MTO."""

    customer: Instrument
    mirror: Instrument
    prediction: Instrument
    employee: Instrument
    staff_prediction: Instrument


def default_instruments() -> DemoInstruments:
    """The built-in instruments, combined and derived as the demo organisation uses them.

    The customer questionnaire is SERVQUAL-22 (with its importance, control-question
    and overall-grade modules switched on) followed by the CVS questions and the KTO
    grades, including the optional expectation-management and CRM grades (the KTO
    detail statements stay off: SERVQUAL already asks them).
    """
    from gapsight.instruments import load_builtin
    from gapsight.instruments.combine import combine
    from gapsight.instruments.variants import management_prediction, mirror, staff_prediction

    customer = combine(
        "veldhuis_klant",
        {"nl": "Klantonderzoek Veldhuis Facilitair", "en": "Veldhuis Facilitair customer survey"},
        load_builtin("servqual22"),
        load_builtin("cvs"),
        load_builtin("kto"),
        modules={"importance": True, "control": True, "grade": True, "optional_grades": True},
    )
    return DemoInstruments(
        customer=customer,
        mirror=mirror(customer),
        prediction=management_prediction(customer),
        employee=load_builtin("mto"),
        staff_prediction=staff_prediction(customer),
    )


# ------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Population:
    """Everyone the demo can invite: customer contacts and employees, with attributes."""

    customers: pd.DataFrame
    employees: pd.DataFrame


def generate(
    seed: int = DEFAULT_SEED, instruments: DemoInstruments | None = None
) -> DemoOrganisation:
    """The demo organisation, identical for the same ``seed`` and instruments.

    ``instruments`` defaults to :func:`default_instruments`; tests may pass smaller
    hand-written ones. Every item of an instrument gets answers: the known codes
    (``e01``–``e22``, ``p01``–``p22``, ``w_*``, ``grade_*``, ``cvs_*``) from the model
    above, any other numeric item from a generic latent model, text items a short
    comment now and then.
    """
    ins = instruments or default_instruments()
    streams = np.random.SeedSequence(seed).spawn(7)
    people = _population(np.random.default_rng(streams[0]))
    customers = people.customers
    staff = people.employees

    waves = (
        _customer_wave(
            np.random.default_rng(streams[1]),
            ins.customer,
            DemoStudy(
                key="klant-2024",
                name="Klantonderzoek 2024",
                kind="customer",
                instrument_ref=ins.customer.ref,
                field_start=date(2024, 10, 7),
                field_end=date(2024, 11, 1),
                population_size=1450,
                anonymity="choice",
                min_group_size=10,
                previous=None,
                description="Customer contacts: SERVQUAL-22, importance, grades and CVS.",
            ),
            customers[customers["external_id"] <= "K1450"],
            invited=980,
            per_segment={"Kantoren": 150, "Zorg": 105, "Onderwijs": 77, "Evenementen": 8},
            p_means=_P_MEAN_2024,
        ),
        _customer_wave(
            np.random.default_rng(streams[2]),
            ins.customer,
            DemoStudy(
                key="klant-2025",
                name="Klantonderzoek 2025",
                kind="customer",
                instrument_ref=ins.customer.ref,
                field_start=date(2025, 10, 6),
                field_end=date(2025, 10, 31),
                population_size=1520,
                anonymity="choice",
                min_group_size=10,
                previous="klant-2024",
                description="The same questionnaire a year later.",
            ),
            customers,
            invited=1010,
            per_segment={"Kantoren": 168, "Zorg": 118, "Onderwijs": 87, "Evenementen": 7},
            p_means=_P_MEAN_2024 + _P_CHANGE_2025[_PAIR_DIMENSION],
        ),
        _employee_wave(
            np.random.default_rng(streams[3]),
            ins.employee,
            DemoStudy(
                key="medewerkers-2025",
                name="Medewerkersonderzoek 2025",
                kind="employee",
                instrument_ref=ins.employee.ref,
                field_start=date(2025, 5, 12),
                field_end=date(2025, 6, 6),
                population_size=len(staff),
                anonymity="anonymous",
                min_group_size=10,
                previous=None,
                description="All employees, anonymous (MTO).",
            ),
            staff,
            responding=158,
        ),
        _staff_wave(
            np.random.default_rng(streams[4]),
            ins.mirror,
            DemoStudy(
                key="spiegel-2025",
                name="Spiegelonderzoek 2025",
                kind="mirror",
                instrument_ref=ins.mirror.ref,
                field_start=date(2025, 10, 6),
                field_end=date(2025, 10, 24),
                population_size=int((staff["role"] == "klantcontact").sum()),
                anonymity="anonymous",
                min_group_size=5,
                previous=None,
                description="Customer-contact staff answer the customer questionnaire "
                "as they expect customers to.",
            ),
            staff[staff["role"] == "klantcontact"],
            responding=46,
            e_means=_E_MEAN + _MIRROR_E[_PAIR_DIMENSION],
            p_means=_P_MEAN_2024 + (_P_CHANGE_2025 + _MIRROR_P)[_PAIR_DIMENSION],
            grade_lift=0.6,
        ),
        _staff_wave(
            np.random.default_rng(streams[5]),
            ins.prediction,
            DemoStudy(
                key="management-2025",
                name="Managementvoorspelling 2025",
                kind="management_prediction",
                instrument_ref=ins.prediction.ref,
                field_start=date(2025, 9, 22),
                field_end=date(2025, 10, 3),
                population_size=int((staff["role"] == "leidinggevend").sum()),
                anonymity="anonymous",
                min_group_size=5,
                previous=None,
                description='Managers answer the expectation items as "what do our '
                'customers expect?".',
            ),
            staff[staff["role"] == "leidinggevend"],
            responding=12,
            e_means=_E_MEAN + _MANAGEMENT_E[_PAIR_DIMENSION],
            p_means=_P_MEAN_2024 + (_P_CHANGE_2025 + 0.4)[_PAIR_DIMENSION],
            grade_lift=0.5,
        ),
        _staff_wave(
            np.random.default_rng(streams[6]),
            ins.staff_prediction,
            DemoStudy(
                key="voorspelling-2025",
                name="Medewerkersvoorspelling 2025",
                kind="staff_prediction",
                instrument_ref=ins.staff_prediction.ref,
                field_start=date(2025, 9, 22),
                field_end=date(2025, 10, 3),
                population_size=int((staff["role"] == "klantcontact").sum()),
                anonymity="anonymous",
                min_group_size=5,
                previous=None,
                description="Customer-contact staff answer the expectation items as "
                '"what do our customers expect?".',
            ),
            staff[staff["role"] == "klantcontact"],
            responding=38,
            e_means=_E_MEAN + _STAFF_E[_PAIR_DIMENSION],
            p_means=_P_MEAN_2024 + (_P_CHANGE_2025 + 0.4)[_PAIR_DIMENSION],
            grade_lift=0.5,
        ),
    )
    return DemoOrganisation(
        name=ORGANISATION,
        slug=SLUG,
        sector=dict(SECTOR),
        business_units=BUSINESS_UNITS,
        segments=SEGMENTS,
        waves=waves,
        seed=seed,
    )


# -- people ----------------------------------------------------------------------------


def _population(rng: np.random.Generator) -> _Population:
    """1520 customer contacts (K0001…; the last 70 are new in 2025) and 214 employees."""
    n_cust = 1520
    segment = rng.choice(
        SEGMENTS, size=n_cust, p=[0.45, 0.32, 0.21, 0.02]
    )  # Evenementen: a small segment of about 30 contacts
    unit = rng.choice(BUSINESS_UNITS, size=n_cust, p=[0.40, 0.25, 0.20, 0.15])
    names, emails = _names(rng, n_cust, "klant")
    customers = pd.DataFrame(
        {
            "external_id": [f"K{i:04d}" for i in range(1, n_cust + 1)],
            "name": names,
            "email": emails,
            "language": rng.choice(["nl", "en"], size=n_cust, p=[0.9, 0.1]),
            "segment": segment,
            "business_unit": unit,
        }
    )
    roles = np.array(["uitvoerend"] * 130 + ["klantcontact"] * 64 + ["leidinggevend"] * 16)
    roles = np.concatenate([roles, np.array(["staf"] * 4)])
    n_emp = len(roles)
    emp_unit = rng.choice(BUSINESS_UNITS, size=n_emp, p=[0.40, 0.25, 0.20, 0.15])
    emp_unit[roles == "staf"] = "Directie en staf"
    names, emails = _names(rng, n_emp, "mw")
    employees = pd.DataFrame(
        {
            "external_id": [f"M{i:03d}" for i in range(1, n_emp + 1)],
            "name": names,
            "email": emails,
            "language": "nl",
            "role": roles,
            "business_unit": emp_unit,
        }
    )
    # drawn last, so adding it left every other attribute as it was
    customers["disposition"] = rng.standard_normal(n_cust)
    return _Population(customers=customers, employees=employees)


def _names(rng: np.random.Generator, n: int, prefix: str) -> tuple[list[str], list[str]]:
    """``n`` Dutch-looking names and unique addresses at example.org."""
    first = rng.choice(_FIRST_NAMES, size=n)
    last = rng.choice(_SURNAMES, size=n)
    names = [f"{f} {s}" for f, s in zip(first, last, strict=True)]
    emails = [
        f"{f.lower()}.{re.sub(r'[^a-z]', '', s.lower())}.{prefix}{i:04d}@example.org"
        for i, (f, s) in enumerate(zip(first, last, strict=True), start=1)
    ]
    emails = [e.replace("ë", "e") for e in emails]
    return names, emails


def _sample(contacts: pd.DataFrame, characteristics: Sequence[str]) -> SampleTable:
    """The invited contacts as the sample-import contract shapes them."""
    contacts = contacts.reset_index(drop=True)
    return SampleTable(
        contacts=contacts[["email", "name", "language", "external_id"]].astype("string"),
        characteristics=contacts[list(characteristics)].astype("string"),
    )


# -- waves -----------------------------------------------------------------------------


def _customer_wave(
    rng: np.random.Generator,
    instrument: Instrument,
    study: DemoStudy,
    pool: pd.DataFrame,
    *,
    invited: int,
    per_segment: Mapping[str, int],
    p_means: FloatArray,
) -> DemoWave:
    """Invite ``invited`` contacts of ``pool``; ``per_segment`` of them respond."""
    invite = pool.iloc[np.sort(rng.choice(len(pool), size=invited, replace=False))]
    rows: list[int] = []
    for segment, count in per_segment.items():
        candidates = np.flatnonzero(invite["segment"].to_numpy() == segment)
        if len(candidates) < count:
            raise ValueError(f"only {len(candidates)} {segment} contacts invited, need {count}")
        rows.extend(rng.choice(candidates, size=count, replace=False).tolist())
    respondents = invite.iloc[np.sort(np.array(rows))].reset_index(drop=True)
    n = len(respondents)

    seg = respondents["segment"].to_numpy()
    unit = respondents["business_unit"].to_numpy()
    p_shift = np.array([_SEGMENT_SHIFT[s][0] for s in seg]) + np.array(
        [_UNIT_SHIFT[u] for u in unit]
    )
    e_shift = np.array([_SEGMENT_SHIFT[s][1] for s in seg], dtype=np.float64)

    disposition = respondents["disposition"].to_numpy(dtype=np.float64)
    answers = _answers(
        rng, instrument, n, _E_MEAN, p_means, p_shift, e_shift, 0.0, 1.0, disposition
    )
    anonymous = rng.random(n) < 0.12
    keys: list[str | None] = [
        None if anon else str(k)
        for k, anon in zip(respondents["external_id"], anonymous, strict=True)
    ]
    return _wave(
        rng,
        instrument,
        study,
        answers,
        invite,
        respondents,
        ("segment", "business_unit"),
        keys,
        partial_share=0.06,
    )


def _staff_wave(
    rng: np.random.Generator,
    instrument: Instrument,
    study: DemoStudy,
    pool: pd.DataFrame,
    *,
    responding: int,
    e_means: FloatArray,
    p_means: FloatArray,
    grade_lift: float,
) -> DemoWave:
    """A mirror or prediction wave: staff answer customer items from the customer's seat.

    Staff answers vary less than customers' (they share one picture of the customer):
    the spread is 80% of the customers'.
    """
    respondents = pool.iloc[np.sort(rng.choice(len(pool), size=responding, replace=False))]
    respondents = respondents.reset_index(drop=True)
    unit = respondents["business_unit"].to_numpy()
    p_shift = np.array([_UNIT_SHIFT.get(u, (0, 0, 0, 0, 0)) for u in unit], dtype=np.float64)
    e_shift = np.zeros_like(p_shift)
    answers = _answers(
        rng, instrument, responding, e_means, p_means, p_shift, e_shift, grade_lift, 0.8
    )
    return _wave(
        rng,
        instrument,
        study,
        answers,
        pool,
        respondents,
        ("business_unit",),
        [None] * responding,
        partial_share=0.0,
    )


def _employee_wave(
    rng: np.random.Generator,
    instrument: Instrument,
    study: DemoStudy,
    staff: pd.DataFrame,
    *,
    responding: int,
) -> DemoWave:
    """The MTO: one engagement factor plus a factor per block of items.

    Means follow :data:`_MTO` (share of the scale's range, or a grade): colleagues'
    support and autonomy score well, feedback and above all hearing about customer
    research (``ic_research``) score low, and eNPS comes out negative, as is common.
    Engagement is lifted in Catering and lowered in Technisch beheer. Items the table
    does not know get a generic answer.
    """
    respondents = staff.iloc[np.sort(rng.choice(len(staff), size=responding, replace=False))]
    respondents = respondents.reset_index(drop=True)
    unit_lift = {"Catering": 0.5, "Technisch beheer": -0.5}
    lift = np.array([unit_lift.get(u, 0.0) for u in respondents["business_unit"]])
    engagement = rng.standard_normal(responding) + lift
    factors: dict[str, FloatArray] = {}
    values: dict[str, FloatArray] = {}
    for item in _enabled_items(instrument):
        scale = instrument.scale(item.scale)
        if scale.kind == "text":
            continue
        centre, block = _MTO.get(item.code, (None, item.dimension or "work"))
        if block not in factors:
            factors[block] = 0.6 * engagement + 0.8 * rng.standard_normal(responding)
        if centre is None:
            values[item.code] = _generic(rng, item, scale, factors[block])
            continue
        lo, hi = scale.bounds()
        if scale.kind in ("grade", "rating"):
            latent = centre + 1.1 * factors[block] + 0.8 * rng.standard_normal(responding)
            values[item.code] = _on_scale(scale, latent, reference=(lo, hi))
        else:
            pomp = centre + 0.2 * _item(rng, factors[block])
            values[item.code] = _on_scale(scale, pomp, reference=(0, 1))
    _dont_knows(rng, instrument, values, {"ic_research": 0.10, "ic_known": 0.05})
    return _wave(
        rng,
        instrument,
        study,
        values,
        staff,
        respondents,
        ("business_unit", "role"),
        [None] * responding,
        partial_share=0.04,
        comments=_EMPLOYEE_COMMENTS,
    )


def _answers(
    rng: np.random.Generator,
    instrument: Instrument,
    n: int,
    e_means: FloatArray,
    p_means: FloatArray,
    p_shift: FloatArray,
    e_shift: FloatArray,
    grade_lift: float,
    spread: float,
    disposition: FloatArray | None = None,
) -> dict[str, FloatArray]:
    """Answers to every numeric item of a customer-style instrument (see module doc)."""
    f_e = _factors(rng, n)
    f_p = _factors(rng, n, disposition)
    # Perceived quality per dimension in standard units of the 2024 customer
    # perceptions: the part of the perception the dimension's items share.
    delta = np.array([(p_means - _P_MEAN_2024)[d == _PAIR_DIMENSION].mean() for d in range(5)])
    quality = (delta + p_shift) / _P_SD + _LOADING * f_p * spread
    overall = quality @ _GRADE_WEIGHTS
    valence = rng.standard_normal(n)
    points = _importance(rng, n)
    length = rng.choice(np.arange(1, 6), size=n, p=[0.06, 0.09, 0.17, 0.28, 0.40])

    values: dict[str, FloatArray] = {}
    for item in _enabled_items(instrument):
        scale = instrument.scale(item.scale)
        code = item.code
        if scale.kind == "text":
            continue
        m = re.fullmatch(r"([ep])(\d\d)", code)
        if m and 1 <= int(m.group(2)) <= 22:
            i = int(m.group(2)) - 1
            d = int(_PAIR_DIMENSION[i])
            if m.group(1) == "e":
                ref = e_means[i] + e_shift[:, d] + _E_SD * spread * _item(rng, f_e[:, d])
            else:
                ref = p_means[i] + p_shift[:, d] + _P_SD * spread * _item(rng, f_p[:, d])
            values[code] = _on_scale(scale, ref, reference=(1, 7))
        elif code.startswith("w_") and code.removeprefix("w_") in DIMENSIONS:
            values[code] = points[:, DIMENSIONS.index(code.removeprefix("w_"))].copy()
        elif code in ("imp_most", "imp_second", "imp_least"):
            values[code] = _ranked(rng, points, code)
        elif code == "ctl_relationship":
            values[code] = rng.choice([1.0, 2.0, 3.0, 4.0], size=n, p=[0.45, 0.35, 0.17, 0.03])
        elif code == "ctl_length":
            values[code] = length.astype(np.float64)
        elif code == "grade_overall":
            latent = 7.0 + grade_lift + 1.6 * overall + 0.7 * rng.standard_normal(n)
            values[code] = _on_scale(scale, latent, reference=(1, 10))
        elif code in _CVS:
            mean, weight, noise = _CVS[code]
            latent = (
                mean
                + grade_lift
                + weight * overall
                + 0.55 * valence
                + noise * rng.standard_normal(n)
            )
            values[code] = _on_scale(scale, latent, reference=(0, 10))
        elif code in _KTO:
            mean, weights = _KTO[code]
            w = np.asarray(weights) / sum(weights)
            latent = mean + grade_lift + 1.4 * (quality @ w) + 0.8 * rng.standard_normal(n)
            values[code] = _on_scale(scale, latent, reference=(1, 10))
        else:
            values[code] = _generic(rng, item, scale, overall / 0.6)
    _dont_knows(rng, instrument, values, _DONT_KNOW)
    return values


def _ranked(rng: np.random.Generator, points: FloatArray, code: str) -> FloatArray:
    """Most / second most / least important dimension (1–5), agreeing with the points.

    Ties (two dimensions with equal points) are broken at random, as respondents do.
    """
    jitter = points + rng.random(points.shape) * 0.1
    order = np.argsort(-jitter, axis=1)
    column = {"imp_most": 0, "imp_second": 1, "imp_least": 4}[code]
    return (order[:, column] + 1).astype(np.float64)


def _enabled_items(instrument: Instrument) -> list[Item]:
    """The items of the modules switched on by default, in questionnaire order."""
    return list(instrument.items(modules=dict(instrument.modules)))


def _factors(rng: np.random.Generator, n: int, disposition: FloatArray | None = None) -> FloatArray:
    """``(n, 5)`` standard normal dimension factors sharing a general (halo) factor.

    ``disposition`` (standard normal per respondent) is a lasting part of the general
    factor: the same customer answering two waves is consistently mild or critical.
    """
    general = rng.standard_normal((n, 1))
    if disposition is not None:
        general = math.sqrt(0.6) * disposition[:, None] + math.sqrt(0.4) * general
    unique = rng.standard_normal((n, 5))
    return math.sqrt(_HALO) * general + math.sqrt(1 - _HALO) * unique


def _item(rng: np.random.Generator, factor: FloatArray) -> FloatArray:
    """One item's standardised answer: loading on the factor plus item noise."""
    noise = rng.standard_normal(len(factor))
    return _LOADING * factor + math.sqrt(1 - _LOADING**2) * noise


def _on_scale(scale: Scale, latent: FloatArray, *, reference: tuple[int, int]) -> FloatArray:
    """Map from the reference scale onto ``scale``, round, clip to its bounds."""
    lo, hi = scale.bounds()
    r_lo, r_hi = reference
    x = lo + (latent - r_lo) * (hi - lo) / (r_hi - r_lo)
    return np.clip(np.rint(x), lo, hi).astype(np.float64)


def _generic(rng: np.random.Generator, item: Item, scale: Scale, factor: FloatArray) -> FloatArray:
    """A plausible answer to an item the model has no specific parameters for."""
    n = len(factor)
    lo, hi = scale.bounds()
    if scale.kind == "choice":
        options = np.array(sorted(p.value for p in scale.points), dtype=np.float64)
        return rng.choice(options, size=n)
    if scale.kind in ("rating", "grade"):
        latent = 7.2 + 1.3 * factor + 0.9 * rng.standard_normal(n)
        return _on_scale(scale, latent, reference=(0, 10) if lo == 0 else (1, 10))
    centre = 0.52 if "communic" in f"{item.dimension} {item.code}" else 0.65
    pomp = centre + 0.18 * (_LOADING * factor + 0.6 * rng.standard_normal(n))
    return np.clip(np.rint(lo + pomp * (hi - lo)), lo, hi).astype(np.float64)


def _importance(rng: np.random.Generator, n: int) -> FloatArray:
    """100 points per respondent over the five dimensions, in steps of 5, summing to 100.

    Drawn from a Dirichlet around :data:`_IMPORTANCE`; rounding is repaired on the
    dimension with the most points, as a respondent correcting the total would.
    """
    shares = rng.dirichlet(_IMPORTANCE * 14, size=n)
    points = np.rint(shares * 20) * 5
    for row in points:
        row[int(np.argmax(row))] += 100 - row.sum()
    return points


def _dont_knows(
    rng: np.random.Generator,
    instrument: Instrument,
    values: dict[str, FloatArray],
    chances: Mapping[str, float],
) -> None:
    """Replace some answers by "don't know" (``NaN``; :func:`_wave` builds the mask),
    on items that offer it, with the chance in ``chances`` or :data:`_DONT_KNOW_BASE`."""
    for code, column in values.items():
        if instrument.item(code).dont_know:
            chance = chances.get(code, _DONT_KNOW_BASE)
            column[rng.random(len(column)) < chance] = np.nan


def _comment(rng: np.random.Generator, quality: FloatArray) -> str:
    """A short open answer about the respondent's weakest dimension (or praise)."""
    if quality.min() > 0.75:
        return str(rng.choice(_PRAISE))
    return str(rng.choice(_COMMENTS[DIMENSIONS[int(np.argmin(quality))]]))


def _wave(
    rng: np.random.Generator,
    instrument: Instrument,
    study: DemoStudy,
    values: dict[str, FloatArray],
    invited: pd.DataFrame,
    respondents: pd.DataFrame,
    characteristics: Sequence[str],
    keys: list[str | None],
    *,
    partial_share: float,
    comments: Sequence[str] | None = None,
) -> DemoWave:
    """Assemble the tables: partials, the don't-know mask, texts and characteristics."""
    n = len(respondents)
    codes = tuple(c for c in _numeric_order(instrument) if c in values)
    matrix = np.column_stack([values[c] for c in codes]) if codes else np.empty((n, 0))
    dont_know: npt.NDArray[np.bool_] = np.isnan(matrix)
    texts = _texts(rng, instrument, matrix, codes, comments)

    # Partial responses stopped at a section boundary past the first third of the
    # questionnaire: every later section is missing (skipped, not "don't know").
    asked = values.keys() | texts.keys()
    sections = [s for s in instrument.sections if any(it.code in asked for it in s.items)]
    partial = rng.random(n) < partial_share
    statuses: list[Status] = ["complete"] * n
    for row in np.flatnonzero(partial):
        stop = int(rng.integers(max(1, len(sections) // 3), max(2, len(sections))))
        gone = {it.code for s in sections[stop:] for it in s.items}
        cols = [i for i, c in enumerate(codes) if c in gone]
        matrix[row, cols] = np.nan
        dont_know[row, cols] = False
        for code in gone & texts.keys():
            texts[code][row] = None
        statuses[row] = "partial"

    chars = respondents[list(characteristics)].astype("string").reset_index(drop=True)
    response_matrix = ResponseMatrix(
        codes=codes,
        values=matrix,
        dont_know=dont_know,
        characteristics={c: chars[c].to_numpy(dtype=object) for c in chars.columns},
    )
    table = ResponseTable(
        instrument_ref=instrument.ref,
        matrix=response_matrix,
        texts=texts,
        characteristics=chars,
        respondent_keys=keys,
    )
    return DemoWave(
        study=study,
        instrument=instrument,
        sample=_sample(invited, characteristics),
        table=table,
        statuses=tuple(statuses),
        answered_on=_answer_days(rng, study, n),
    )


def _answer_days(rng: np.random.Generator, study: DemoStudy, n: int) -> tuple[date, ...]:
    """The day each respondent answered: most in the first days after the invitation,
    a second wave after the reminder a week later, a few at any time; weekend answers
    move to the Monday (business respondents answer at work)."""
    length = (study.field_end - study.field_start).days
    kind = rng.choice(3, size=n, p=[0.55, 0.35, 0.10])
    offset = np.where(
        kind == 0,
        rng.exponential(2.0, size=n),
        np.where(kind == 1, 7 + rng.exponential(1.5, size=n), rng.uniform(0, length, size=n)),
    )
    days = []
    for value in np.minimum(np.floor(offset), length).astype(int).tolist():
        day = study.field_start + timedelta(days=value)
        if day.weekday() >= 5:
            day = min(day + timedelta(days=7 - day.weekday()), study.field_end)
        days.append(day)
    return tuple(days)


def _numeric_order(instrument: Instrument) -> tuple[str, ...]:
    """Matrix columns: codes of non-text items of the enabled modules, in order."""
    return tuple(
        it.code for it in _enabled_items(instrument) if instrument.scale(it.scale).kind != "text"
    )


def _texts(
    rng: np.random.Generator,
    instrument: Instrument,
    matrix: FloatArray,
    codes: Sequence[str],
    comments: Sequence[str] | None,
) -> dict[str, list[str | None]]:
    """Open answers to every text item.

    ``<code>_other`` explains the "other" option (the highest value) of choice item
    ``<code>`` and is filled exactly when that option was chosen. Other text items get
    a comment from about a third of respondents: drawn from ``comments`` when given,
    otherwise about the respondent's weakest SERVQUAL dimension, read from the answers
    themselves (mean perception as a share of the scale's range), so comments agree
    with the scores.
    """
    n = matrix.shape[0]
    quality = np.full((n, 5), 0.5)
    for d in range(5):
        cols = [i for i, c in enumerate(codes) if re.fullmatch(r"p\d\d", c) and _dim_of(c) == d]
        if not cols:
            continue
        lo, hi = instrument.scale_of(codes[cols[0]]).bounds()
        block = (matrix[:, cols] - lo) / (hi - lo)
        answered = ~np.isnan(block)
        total = np.where(answered, block, 0.0).sum(axis=1)
        count = answered.sum(axis=1)
        quality[:, d] = np.divide(total, count, out=np.full(n, 0.5), where=count > 0)
    texts: dict[str, list[str | None]] = {}
    for code in instrument.text_codes():
        base = code.removesuffix("_other")
        if base != code and base in codes:
            chosen = matrix[:, list(codes).index(base)]
            other = max(instrument.scale_of(base).bounds())
            texts[code] = [
                str(rng.choice(_OTHER_RELATIONSHIP)) if chosen[row] == other else None
                for row in range(n)
            ]
            continue
        draws = rng.random((n,))
        texts[code] = [
            None
            if draws[row] >= 0.33
            else str(rng.choice(comments))
            if comments
            else _comment(rng, quality[row])
            for row in range(n)
        ]
    return texts


def _dim_of(code: str) -> int:
    """Dimension index of a SERVQUAL code ``e05``/``p05``."""
    return int(_PAIR_DIMENSION[int(code[1:]) - 1])
