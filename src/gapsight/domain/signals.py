"""Signals: complaints and other expressions of (dis)satisfaction, registered uniformly.

One register for every signal, whatever the channel (``closed-loop.md`` §2). This
module holds the rules, as data and pure functions; the register itself is
``gapsight.store.models.Signal`` and the use cases are in ``gapsight.services.signals``.

**Categories** are configurable per organisation (``settings["signals"]["categories"]``);
the default set is :data:`DEFAULT_CATEGORIES`. Each has labels per language, a
resolution target in working days, whether it is *referred* to the supplier's own
channel (disruptions), and a mapping to other schemes. The built-in scheme ``basic``
maps to the four-way split many suppliers use:

===================== ===========
category              ``basic``
===================== ===========
complaint             complaint
supplier_dissatisfaction complaint
wish                  wish
information_request   information
compliment            other
disruption            disruption
===================== ===========

**Required fields** (:data:`DEFAULT_REQUIRED`) keep registrations uniform; an
organisation may require more (``settings["signals"]["required"]``). Some rules depend
on other fields: a signal about a supplier (``supplier_dissatisfaction``,
``disruption``) needs ``supplier``; "within the agreed norms" needs the explanation
given to the client; a closed signal needs a resolution (unless it was referred).

**Status** moves along :data:`TRANSITIONS`::

    new ─► acknowledged ─► in_progress ⇄ waiting_supplier
     │         │               │                │
     └─► referred              └──► resolved ◄──┘ ─► closed ─► in_progress (reopen)
             └──► closed

**Completeness** of a registration is the share of :data:`COMPLETENESS_FIELDS` filled
in, reported per registrar per month.

**Promotion** (:func:`promotion`): a report of the same kind (same client
organisation, supplier, service domain and category) that recurs ``threshold`` times
within ``window_days`` becomes a complaint; the original category is kept.

Example::

    >>> cfg = SignalConfig.from_settings({})
    >>> [p.code for p in check_signal({"category": "disruption"}, cfg)][:3]
    ['required', 'required', 'required']
    >>> cfg.category("supplier_dissatisfaction").mappings["basic"]
    'complaint'
    >>> can_transition("new", "closed")
    False
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "CHANNELS",
    "COMPLETENESS_FIELDS",
    "DEFAULT_CATEGORIES",
    "DEFAULT_REQUIRED",
    "FIELD_LIMITS",
    "STATUSES",
    "TRANSITIONS",
    "Category",
    "PromotionDecision",
    "PromotionRule",
    "SignalConfig",
    "can_transition",
    "check_signal",
    "check_transition",
    "completeness",
    "normalise_tags",
    "promotion",
]

CHANNELS = ("web_form", "mailbox", "conversation", "supplier_report", "phone", "api")
"""How a signal reached the organisation (``conversation`` = a client manager's talk)."""

STATUSES = (
    "new",
    "acknowledged",
    "in_progress",
    "waiting_supplier",
    "referred",
    "resolved",
    "closed",
)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"acknowledged", "referred", "in_progress"}),
    "acknowledged": frozenset({"in_progress", "referred", "resolved"}),
    "in_progress": frozenset({"waiting_supplier", "resolved"}),
    "waiting_supplier": frozenset({"in_progress", "resolved"}),
    "referred": frozenset({"closed"}),
    "resolved": frozenset({"closed", "in_progress"}),
    "closed": frozenset({"in_progress"}),
}
"""Allowed status changes (``closed → in_progress`` reopens a signal)."""

OPEN_STATUSES = frozenset({"new", "acknowledged", "in_progress", "waiting_supplier"})

DEFAULT_REQUIRED = (
    "received_at",
    "channel",
    "registrar",
    "client_organisation",
    "client_group",
    "service_domain",
    "category",
    "description",
)
"""Fields every registration must have."""

COMPLETENESS_FIELDS = (
    "contact_person",
    "contact_email",
    "supplier",
    "service_domain",
    "supplier_ticket",
    "theme_tags",
)
"""Optional fields counted for a registration's completeness (besides the required)."""

FIELD_LIMITS: Mapping[str, int] = {
    "channel": 40,
    "registrar": 200,
    "registrar_email": 320,
    "client_organisation": 200,
    "client_group": 200,
    "contact_person": 200,
    "contact_email": 320,
    "supplier": 200,
    "service_domain": 200,
    "category": 40,
    "description": 10_000,
    "supplier_ticket": 100,
    "norms_explanation": 4_000,
    "feedback_to_client": 10_000,
    "resolution": 10_000,
}
"""Longest accepted text per field (characters)."""

_TAG = re.compile(r"[^a-z0-9à-ÿ]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Category:
    """A signal category: ``code``, ``labels`` per language, resolution target in working
    days (``None`` = no target), ``referred`` (goes to the supplier's own channel) and
    ``mappings`` to other schemes (``{scheme: code}``)."""

    code: str
    labels: Mapping[str, str]
    resolution_days: int | None = None
    referred: bool = False
    mappings: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        """The label in ``lang``, falling back to English and then the code."""
        return self.labels.get(lang) or self.labels.get("en") or self.code


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("complaint", {"nl": "Klacht", "en": "Complaint"}, 10, False, {"basic": "complaint"}),
    Category(
        "supplier_dissatisfaction",
        {"nl": "Ontevredenheid over leverancier", "en": "Dissatisfaction about a supplier"},
        10,
        False,
        {"basic": "complaint"},
    ),
    Category("wish", {"nl": "Wens / idee", "en": "Wish / idea"}, 20, False, {"basic": "wish"}),
    Category(
        "information_request",
        {"nl": "Informatievraag", "en": "Information request"},
        5,
        False,
        {"basic": "information"},
    ),
    Category(
        "compliment", {"nl": "Compliment", "en": "Compliment"}, None, False, {"basic": "other"}
    ),
    Category(
        "disruption", {"nl": "Storing", "en": "Disruption"}, None, True, {"basic": "disruption"}
    ),
)

SUPPLIER_CATEGORIES = frozenset({"supplier_dissatisfaction", "disruption"})


@dataclass(frozen=True)
class PromotionRule:
    """Promote a recurring report to ``target`` when ``threshold`` reports of the same
    kind (``same`` fields equal, category in ``categories``) arrive within
    ``window_days`` calendar days. ``threshold = 0`` switches promotion off."""

    threshold: int = 3
    window_days: int = 90
    categories: frozenset[str] = frozenset(
        {"supplier_dissatisfaction", "disruption", "information_request"}
    )
    target: str = "complaint"
    same: tuple[str, ...] = ("client_organisation", "supplier", "service_domain", "category")


@dataclass(frozen=True)
class SignalConfig:
    """An organisation's signal rules, read from ``settings["signals"]``.

    Keys (all optional): ``categories`` (a list of ``{code, labels, resolution_days,
    referred, mappings}``), ``required`` (extra required fields),
    ``acknowledge_days`` (working days, default 2), ``status_update_days`` (calendar
    days without a message to the client before a status update is due, default 14),
    ``promotion`` (``{threshold, window_days, categories}``), ``coordinator_email``,
    ``timezone``, ``disruption_contact`` (where clients report disruptions instead: a
    text, or ``{"nl": …, "en": …}``; shown on the public form and its
    acknowledgement), ``public_form`` (``false`` switches the public form off),
    ``client_groups`` (the choices the public form offers; free text when empty).
    """

    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    required: tuple[str, ...] = DEFAULT_REQUIRED
    acknowledge_days: int = 2
    status_update_days: int = 14
    promotion_rule: PromotionRule = PromotionRule()
    coordinator_email: str | None = None
    timezone: str = "Europe/Amsterdam"
    disruption_contact: Mapping[str, str] = field(default_factory=dict)
    public_form: bool = True
    client_groups: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, data: Mapping[str, Any] | None) -> SignalConfig:
        """Read ``settings["signals"]``; raises :class:`InvalidInput` on bad values."""
        data = dict(data or {})
        problems: list[FieldProblem] = []
        categories = DEFAULT_CATEGORIES
        if "categories" in data:
            parsed = []
            for i, raw in enumerate(data["categories"] or []):
                try:
                    code = str(raw["code"])
                    days = raw.get("resolution_days")
                    parsed.append(
                        Category(
                            code=code,
                            labels={str(k): str(v) for k, v in (raw.get("labels") or {}).items()},
                            resolution_days=None if days is None else int(days),
                            referred=bool(raw.get("referred", False)),
                            mappings={
                                str(k): str(v) for k, v in (raw.get("mappings") or {}).items()
                            },
                        )
                    )
                except (KeyError, TypeError, ValueError, AttributeError):
                    problems.append(
                        FieldProblem(
                            f"signals.categories[{i}]",
                            "category_invalid",
                            f"category {i + 1} needs a code and valid fields",
                        )
                    )
            if not parsed and not problems:
                problems.append(
                    FieldProblem("signals.categories", "categories_empty", "no categories")
                )
            categories = tuple(parsed)
        extra = data.get("required") or []
        known = set(FIELD_LIMITS) | {"received_at", "theme_tags"}
        for name in extra:
            if name not in known:
                problems.append(
                    FieldProblem("signals.required", "required_unknown", f"unknown field {name!r}")
                )
        numbers: dict[str, int] = {}
        for key, default in (("acknowledge_days", 2), ("status_update_days", 14)):
            value = data.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365:
                problems.append(
                    FieldProblem(f"signals.{key}", "days_range", f"{key} must be 1-365")
                )
                value = default
            numbers[key] = value
        promo = dict(data.get("promotion") or {})
        rule = PromotionRule()
        try:
            rule = PromotionRule(
                threshold=int(promo.get("threshold", rule.threshold)),
                window_days=int(promo.get("window_days", rule.window_days)),
                categories=frozenset(promo.get("categories", rule.categories)),
            )
        except (TypeError, ValueError):
            problems.append(
                FieldProblem("signals.promotion", "promotion_invalid", "invalid promotion rule")
            )
        codes = {c.code for c in categories}
        if categories and rule.target not in codes and rule.threshold > 0:
            problems.append(
                FieldProblem(
                    "signals.promotion",
                    "promotion_target",
                    f"promotion needs a {rule.target!r} category",
                )
            )
        email = data.get("coordinator_email")
        if email is not None and not _EMAIL.match(str(email)):
            problems.append(
                FieldProblem("signals.coordinator_email", "email", f"{email!r} is not an e-mail")
            )
        contact = data.get("disruption_contact") or {}
        if isinstance(contact, str):
            contact = {"nl": contact, "en": contact}
        if not isinstance(contact, Mapping) or not all(
            isinstance(v, str) and len(v) <= 1000 for v in contact.values()
        ):
            problems.append(
                FieldProblem(
                    "signals.disruption_contact",
                    "disruption_contact_invalid",
                    "disruption_contact is a text or {language: text}",
                )
            )
            contact = {}
        groups = data.get("client_groups") or []
        if not isinstance(groups, list | tuple) or not all(isinstance(g, str) for g in groups):
            problems.append(
                FieldProblem("signals.client_groups", "client_groups_invalid", "a list of names")
            )
            groups = []
        if problems:
            raise InvalidInput(problems)
        required = tuple(dict.fromkeys([*DEFAULT_REQUIRED, *extra]))
        return cls(
            categories=categories,
            required=required,
            acknowledge_days=numbers["acknowledge_days"],
            status_update_days=numbers["status_update_days"],
            promotion_rule=rule,
            coordinator_email=None if email is None else str(email),
            timezone=str(data.get("timezone", "Europe/Amsterdam")),
            disruption_contact={str(k): v for k, v in contact.items()},
            public_form=bool(data.get("public_form", True)),
            client_groups=tuple(groups),
        )

    def disruption_text(self, lang: str) -> str | None:
        """Where disruptions go instead, in ``lang`` (else Dutch, else any)."""
        c = self.disruption_contact
        return c.get(lang) or c.get("nl") or next(iter(c.values()), None)

    def category(self, code: str) -> Category:
        """The category ``code``; ``KeyError`` if it is not configured."""
        for c in self.categories:
            if c.code == code:
                return c
        raise KeyError(code)

    def category_codes(self) -> tuple[str, ...]:
        """The configured category codes, in order."""
        return tuple(c.code for c in self.categories)

    def find_category(self, text: str) -> str | None:
        """The code whose code or label (any language) equals ``text`` (case-insensitive)."""
        wanted = text.strip().casefold()
        for c in self.categories:
            if wanted == c.code.casefold() or wanted in {v.casefold() for v in c.labels.values()}:
                return c.code
        return None

    def mapped(self, code: str, scheme: str) -> str | None:
        """``code`` in another ``scheme`` (``None`` when the category has no mapping)."""
        return self.category(code).mappings.get(scheme)


def normalise_tags(tags: Iterable[str] | str | None) -> list[str]:
    """Theme tags as lowercase slugs, without duplicates, in order of appearance.

    >>> normalise_tags("Parking; slow  response,parking")
    ['parking', 'slow-response']
    """
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = re.split(r"[;,]", tags)
    out: list[str] = []
    for tag in tags:
        slug = _TAG.sub("-", str(tag).strip().lower()).strip("-")[:60]
        if slug and slug not in out:
            out.append(slug)
    return out


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return bool(value)
    return True


def check_signal(values: Mapping[str, Any], config: SignalConfig) -> list[FieldProblem]:
    """Every problem with a registration (``values`` keyed by field name).

    Checks required fields, lengths, channel, category, e-mail addresses and the
    cross-field rules described in the module docstring.
    """
    problems: list[FieldProblem] = []
    for name in config.required:
        if not _filled(values.get(name)):
            problems.append(FieldProblem(name, "required", f"{name} is required"))
    for name, limit in FIELD_LIMITS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            problems.append(
                FieldProblem(name, "too_long", f"{name} is longer than {limit} characters")
            )
    channel = values.get("channel")
    if _filled(channel) and channel not in CHANNELS:
        problems.append(
            FieldProblem(
                "channel", "channel_unknown", f"channel must be one of {', '.join(CHANNELS)}"
            )
        )
    category = values.get("category")
    if _filled(category) and category not in config.category_codes():
        problems.append(
            FieldProblem(
                "category",
                "category_unknown",
                f"category must be one of {', '.join(config.category_codes())}",
            )
        )
    if category in SUPPLIER_CATEGORIES and not _filled(values.get("supplier")):
        problems.append(
            FieldProblem("supplier", "supplier_required", f"a {category} signal names a supplier")
        )
    if values.get("within_norms") and not _filled(values.get("norms_explanation")):
        problems.append(
            FieldProblem(
                "norms_explanation",
                "norms_explanation_required",
                "within the agreed norms needs the explanation given to the client",
            )
        )
    for name in ("contact_email", "registrar_email"):
        value = values.get(name)
        if _filled(value) and not _EMAIL.match(str(value)):
            problems.append(FieldProblem(name, "email", f"{name} is not an e-mail address"))
    received = values.get("received_at")
    if _filled(received) and not isinstance(received, dt.datetime):
        problems.append(FieldProblem("received_at", "datetime", "received_at must be a date"))
    elif isinstance(received, dt.datetime) and received.tzinfo is None:
        problems.append(
            FieldProblem("received_at", "timezone", "received_at must carry a timezone")
        )
    if values.get("status") == "closed":
        referred = values.get("category") in {c.code for c in config.categories if c.referred}
        if not referred and not _filled(values.get("resolution")):
            problems.append(
                FieldProblem(
                    "resolution", "resolution_required", "a closed signal has a resolution"
                )
            )
    return problems


def can_transition(old: str, new: str) -> bool:
    """``True`` when the status may move from ``old`` to ``new``."""
    return new in TRANSITIONS.get(old, frozenset())


def check_transition(old: str, new: str, *, resolution: str | None, referred: bool) -> None:
    """Raise :class:`InvalidInput` when ``old → new`` is not allowed.

    Resolving or closing needs a resolution unless the signal was referred.
    """
    if new not in STATUSES:
        raise InvalidInput([FieldProblem("status", "status_unknown", f"unknown status {new!r}")])
    if not can_transition(old, new):
        raise InvalidInput(
            [FieldProblem("status", "transition", f"a {old} signal cannot become {new}")]
        )
    if new in {"resolved", "closed"} and not referred and not _filled(resolution):
        raise InvalidInput(
            [FieldProblem("resolution", "resolution_required", f"{new} needs a resolution")]
        )


def completeness(values: Mapping[str, Any], config: SignalConfig) -> float:
    """Share (0–1) of required and :data:`COMPLETENESS_FIELDS` that are filled in.

    >>> completeness({"category": "wish"}, SignalConfig(required=("category",)))
    0.14285714285714285
    """
    names = list(dict.fromkeys([*config.required, *COMPLETENESS_FIELDS]))
    return sum(_filled(values.get(n)) for n in names) / len(names)


@dataclass(frozen=True)
class PromotionDecision:
    """Whether a signal is promoted, and the earlier reports that made it recur."""

    promote: bool
    related: tuple[int, ...] = ()
    reason: str = ""


def promotion(
    values: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    rule: PromotionRule,
) -> PromotionDecision:
    """Decide whether ``values`` (a new signal) is promoted to ``rule.target``.

    ``history`` holds earlier signals as mappings with ``id``, ``received_at`` and the
    ``rule.same`` fields. The new signal counts as one of the ``threshold`` reports.

    >>> t = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    >>> old = [{"id": i, "received_at": t - dt.timedelta(days=i), "category": "disruption",
    ...         "client_organisation": "A", "supplier": "S", "service_domain": "ICT"}
    ...        for i in (1, 2)]
    >>> promotion({**old[0], "id": None, "received_at": t}, old, PromotionRule()).promote
    True
    """
    if rule.threshold <= 0 or values.get("category") not in rule.categories:
        return PromotionDecision(False)
    received = values.get("received_at")
    if not isinstance(received, dt.datetime):
        return PromotionDecision(False)
    since = received - dt.timedelta(days=rule.window_days)
    key = tuple(values.get(f) for f in rule.same)
    related = tuple(
        int(h["id"])
        for h in history
        if h.get("id") is not None
        and tuple(h.get(f) for f in rule.same) == key
        and isinstance(h.get("received_at"), dt.datetime)
        and since <= h["received_at"] <= received
    )
    if len(related) + 1 >= rule.threshold:
        return PromotionDecision(
            True,
            tuple(sorted(related)),
            f"{len(related) + 1} reports of the same kind within {rule.window_days} days "
            f"(threshold {rule.threshold})",
        )
    return PromotionDecision(False, tuple(sorted(related)))
