"""Flag rules: which answers of a non-anonymous respondent open a case, and who is told.

The closed loop (``closed-loop.md`` §1, ``certification.md`` P4.flagging) starts the
moment a respondent who **explicitly agreed not to be anonymous** completes: when one
of the study's rules fires, the designated person gets an e-mail and a case opens. The
rules are agreed **before fieldwork** and stored with the study (``studies.flag_rules``);
:mod:`gapsight.services.cases` refuses to change them once fieldwork started.

Rule kinds (:class:`FlagRule`), each with a ``label`` ``promoter`` or ``detractor``:

- ``score``: item ``code`` answered with a value in ``[min, max]``. The default rules on
  the recommendation question (0–10, ``cvs_recommend``) are the NPS bands
  **promoter 9–10, detractor 0–6** (passives 7–8 do not flag);
- ``grade``: any dimension grade (an item on a ``grade`` scale that belongs to a
  dimension, e.g. the KTO's ``grade_reliability``) at or below ``max`` (default 5, a
  fail on the Dutch 1–10 scale);
- ``servqual_gap``: a SERVQUAL dimension whose respondent gap
  ``mean(P) − mean(E)`` over the statements answered in both parts is at or below
  ``−threshold`` scale points (default 2 on the 7-point scale), a large negative gap.

Recipients (:class:`Recipients`): per value of one loaded characteristic (e.g.
``business_unit``: ``{"Noord": "noord@…"}``), else the ``fallback`` addresses (by
default the study's ``flag_recipients``). The first recipient owns the case.

The case's kind is ``detractor`` when any detractor rule fired, else ``promoter``
(an opportunity: reference, testimonial, upsell — followed up too).

Example::

    >>> rules = FlagRules.default("cvs_recommend")
    >>> hits = evaluate(rules, {"cvs_recommend": 3.0}, items={})
    >>> [(h.code, h.answer, h.label) for h in hits], case_kind(hits)
    ([('cvs_recommend', 3.0, 'detractor')], 'detractor')
    >>> evaluate(rules, {"cvs_recommend": 8.0}, items={})   # a passive
    []
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from gapsight.domain.problems import FieldProblem, InvalidInput

__all__ = [
    "FLAG_LABELS",
    "RULE_KINDS",
    "FlagHit",
    "FlagRule",
    "FlagRules",
    "ItemMeta",
    "Recipients",
    "case_kind",
    "evaluate",
]

RuleKind = Literal["score", "grade", "servqual_gap"]
RULE_KINDS: tuple[RuleKind, ...] = ("score", "grade", "servqual_gap")
FlagLabel = Literal["promoter", "detractor"]
FLAG_LABELS: tuple[FlagLabel, ...] = ("promoter", "detractor")
RECOMMEND_CODE = "cvs_recommend"
"""The recommendation question (0–10) of the CVS and KTO instruments."""


@dataclass(frozen=True)
class ItemMeta:
    """What the rules need to know about an item: its scale kind, dimension, SERVQUAL
    part (``expectation``/``perception``) and pair number."""

    scale_kind: str
    dimension: str | None = None
    part: str | None = None
    pair: str | None = None


@dataclass(frozen=True)
class FlagRule:
    """One rule (see the module docstring). ``code`` for ``score``; ``min``/``max``
    bound the flagging values (``grade`` uses ``max``); ``threshold`` for
    ``servqual_gap``."""

    kind: RuleKind
    label: FlagLabel = "detractor"
    code: str | None = None
    min: float | None = None
    max: float | None = None
    threshold: float | None = None

    def describe(self) -> str:
        """A short English description, e.g. ``cvs_recommend 0–6 → detractor``."""
        if self.kind == "score":
            return f"{self.code} {_num(self.min)}–{_num(self.max)} → {self.label}"
        if self.kind == "grade":
            return f"any dimension grade ≤ {_num(self.max)} → {self.label}"
        return f"SERVQUAL gap ≤ −{_num(self.threshold)} on a dimension → {self.label}"

    def as_json(self) -> dict[str, Any]:
        """The JSON form stored with the study."""
        out: dict[str, Any] = {"kind": self.kind, "label": self.label}
        for name in ("code", "min", "max", "threshold"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Recipients:
    """Who is told: ``by_value`` of ``characteristic`` (addresses per value), else
    ``fallback``."""

    characteristic: str | None = None
    by_value: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fallback: tuple[str, ...] = ()

    def for_characteristics(self, characteristics: Mapping[str, Any] | None) -> tuple[str, ...]:
        """The addresses for a respondent with these loaded characteristics.

        >>> r = Recipients("unit", {"Noord": ("n@x.nl",)}, ("all@x.nl",))
        >>> r.for_characteristics({"unit": "Noord"}), r.for_characteristics({"unit": "Zuid"})
        (('n@x.nl',), ('all@x.nl',))
        """
        if self.characteristic and characteristics:
            value = characteristics.get(self.characteristic)
            if value is not None and str(value) in self.by_value:
                return self.by_value[str(value)]
        return self.fallback

    def segment(self, characteristics: Mapping[str, Any] | None) -> str | None:
        """The respondent's value of the routing characteristic (``None``: none)."""
        if not self.characteristic or not characteristics:
            return None
        value = characteristics.get(self.characteristic)
        return None if value is None else str(value)


@dataclass(frozen=True)
class FlagRules:
    """A study's rules and recipients."""

    rules: tuple[FlagRule, ...]
    recipients: Recipients = Recipients()

    @classmethod
    def default(cls, code: str = RECOMMEND_CODE, fallback: Sequence[str] = ()) -> FlagRules:
        """Promoter 9–10 and detractor 0–6 on the recommendation question ``code``."""
        return cls(
            (
                FlagRule("score", "promoter", code, 9, 10),
                FlagRule("score", "detractor", code, 0, 6),
            ),
            Recipients(fallback=tuple(fallback)),
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_json`."""
        r = self.recipients
        return {
            "rules": [rule.as_json() for rule in self.rules],
            "recipients": {
                "characteristic": r.characteristic,
                "by_value": {k: list(v) for k, v in r.by_value.items()},
                "fallback": list(r.fallback),
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlagRules:
        """Read and check rules (e.g. from a YAML file or the study's column).

        ``recipients.by_value`` values may be one address or a list. Raises
        :class:`InvalidInput` listing every problem, e.g. a ``score`` rule without a code
        or ``min > max``.

        >>> FlagRules.from_json({"rules": [{"kind": "grade"}]}).rules[0].max
        5.0
        """
        problems: list[FieldProblem] = []
        rules: list[FlagRule] = []
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list):
            raw_rules = []
            problems.append(FieldProblem("rules", "rules_list", "rules must be a list"))
        for i, raw in enumerate(raw_rules):
            where = f"rules[{i}]"
            rule = _rule(raw, where, problems)
            if rule is not None:
                rules.append(rule)
        recipients = _recipients(data.get("recipients") or {}, problems)
        if problems:
            raise InvalidInput(problems)
        return cls(tuple(rules), recipients)


def _float(raw: Mapping[str, Any], key: str, where: str, problems: list[FieldProblem]) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        problems.append(FieldProblem(f"{where}.{key}", "number", f"{where}.{key} must be a number"))
        return None
    return float(value)


def _rule(raw: Any, where: str, problems: list[FieldProblem]) -> FlagRule | None:
    if not isinstance(raw, Mapping):
        problems.append(FieldProblem(where, "rule_object", f"{where} must be an object"))
        return None
    kind, label = raw.get("kind"), raw.get("label", "detractor")
    before = len(problems)
    if kind not in RULE_KINDS:
        problems.append(
            FieldProblem(
                f"{where}.kind", "rule_kind", f"{where}.kind must be one of {', '.join(RULE_KINDS)}"
            )
        )
    if label not in FLAG_LABELS:
        problems.append(
            FieldProblem(
                f"{where}.label", "rule_label", f"{where}.label must be promoter or detractor"
            )
        )
    lo, hi = _float(raw, "min", where, problems), _float(raw, "max", where, problems)
    threshold = _float(raw, "threshold", where, problems)
    code = raw.get("code")
    if kind == "score":
        if not isinstance(code, str) or not code:
            problems.append(FieldProblem(f"{where}.code", "rule_code", f"{where} needs a code"))
        if lo is None or hi is None:
            problems.append(
                FieldProblem(f"{where}.min", "rule_bounds", f"{where} needs min and max")
            )
        elif lo > hi:
            problems.append(FieldProblem(f"{where}.min", "rule_bounds", f"{where}: min > max"))
    if kind == "grade" and hi is None:
        hi = 5.0
    if kind == "servqual_gap":
        threshold = 2.0 if threshold is None else threshold
        if threshold <= 0:
            problems.append(
                FieldProblem(f"{where}.threshold", "rule_threshold", f"{where}: threshold > 0")
            )
    if len(problems) > before:
        return None
    return FlagRule(
        kind=cast(RuleKind, kind),
        label=cast(FlagLabel, label),
        code=code if kind == "score" else None,
        min=lo if kind == "score" else None,
        max=hi if kind in {"score", "grade"} else None,
        threshold=threshold if kind == "servqual_gap" else None,
    )


def _addresses(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    return tuple(str(v).strip().lower() for v in items if str(v).strip())


def _recipients(raw: Any, problems: list[FieldProblem]) -> Recipients:
    if not isinstance(raw, Mapping):
        problems.append(FieldProblem("recipients", "recipients", "recipients must be an object"))
        return Recipients()
    by_value = {str(k): _addresses(v) for k, v in (raw.get("by_value") or {}).items()}
    fallback = _addresses(raw.get("fallback"))
    for where, addresses in [("recipients.fallback", fallback)] + [
        (f"recipients.by_value.{k}", v) for k, v in by_value.items()
    ]:
        for address in addresses:
            if "@" not in address or " " in address:
                problems.append(
                    FieldProblem(where, "email", f"{where}: {address!r} is not an e-mail address")
                )
    characteristic = raw.get("characteristic") or None
    if by_value and not characteristic:
        problems.append(
            FieldProblem(
                "recipients.characteristic",
                "characteristic_required",
                "recipients per value need the characteristic they refer to",
            )
        )
    return Recipients(characteristic, by_value, fallback)


@dataclass(frozen=True)
class FlagHit:
    """One rule that fired: the item ``code`` (or dimension, for a gap), the ``answer``
    (or the gap), the rule's label and description."""

    code: str
    answer: float
    label: FlagLabel
    rule: str
    kind: RuleKind = "score"

    def as_json(self) -> dict[str, Any]:
        """The JSON form stored with the case."""
        return {
            "code": self.code,
            "answer": self.answer,
            "label": self.label,
            "rule": self.rule,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlagHit:
        """Inverse of :meth:`as_json`."""
        return cls(
            str(data["code"]),
            float(data["answer"]),
            data["label"],
            str(data["rule"]),
            data.get("kind", "score"),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def evaluate(
    rules: FlagRules, answers: Mapping[str, Any], *, items: Mapping[str, ItemMeta]
) -> list[FlagHit]:
    """The hits of ``rules`` on one respondent's ``answers`` (``{code: value}``;
    "don't know", text and missing answers never flag). ``items`` describes the
    instrument's items (needed by ``grade`` and ``servqual_gap`` rules)."""
    hits: list[FlagHit] = []
    for rule in rules.rules:
        if rule.kind == "score":
            value = _number(answers.get(str(rule.code)))
            lo = -math.inf if rule.min is None else rule.min
            hi = math.inf if rule.max is None else rule.max
            if value is not None and lo <= value <= hi:
                hits.append(FlagHit(str(rule.code), value, rule.label, rule.describe(), "score"))
        elif rule.kind == "grade":
            limit = 5.0 if rule.max is None else rule.max
            for code, meta in items.items():
                value = _number(answers.get(code))
                graded = meta.scale_kind == "grade" and meta.dimension
                if graded and value is not None and value <= limit:
                    hits.append(FlagHit(code, value, rule.label, rule.describe(), "grade"))
        else:
            threshold = 2.0 if rule.threshold is None else rule.threshold
            for dimension, gap in servqual_gaps(answers, items).items():
                if gap <= -threshold:
                    hits.append(
                        FlagHit(
                            dimension, round(gap, 2), rule.label, rule.describe(), "servqual_gap"
                        )
                    )
    return hits


def servqual_gaps(answers: Mapping[str, Any], items: Mapping[str, ItemMeta]) -> dict[str, float]:
    """Per dimension, one respondent's ``mean(P) − mean(E)`` over the statements
    (pairs) answered in both parts; dimensions without such a pair are left out.

    >>> meta = {"e01": ItemMeta("agreement", "tangibles", "expectation", "01"),
    ...         "p01": ItemMeta("agreement", "tangibles", "perception", "01")}
    >>> servqual_gaps({"e01": 7.0, "p01": 3.0}, meta)
    {'tangibles': -4.0}
    """
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    for code, meta in items.items():
        if meta.dimension is None or meta.pair is None:
            continue
        if meta.part not in {"expectation", "perception"}:
            continue
        value = _number(answers.get(code))
        if value is not None:
            pairs.setdefault((meta.dimension, meta.pair), {})[meta.part] = value
    per_dimension: dict[str, list[float]] = {}
    for (dimension, _), parts in sorted(pairs.items()):
        if len(parts) == 2:
            per_dimension.setdefault(dimension, []).append(
                parts["perception"] - parts["expectation"]
            )
    return {d: sum(v) / len(v) for d, v in per_dimension.items()}


def case_kind(hits: Sequence[FlagHit]) -> FlagLabel:
    """``detractor`` when any detractor rule fired, else ``promoter``."""
    return "detractor" if any(h.label == "detractor" for h in hits) else "promoter"
