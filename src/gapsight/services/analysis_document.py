"""The analysis as one JSON-able document (``gapsight analyze --format json``).

Pure: takes the :class:`~gapsight.analyst.analysis.Analysis` of a wave and returns plain
``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` values, so the CLI, the
reports and the web API print the same keys. ``docs/analysis-json.md`` documents every
key with an example; :data:`DOCUMENTED_KEYS` lists them and a test checks that the CLI
output uses exactly those.

The convention for numbers that cannot be computed (``analysis.md``: "never a silent
NaN"): the value is ``null`` and the object that holds it gets a ``reasons`` object
mapping the key to the reason, e.g. ``{"t": null, …, "reasons": {"t": "fewer than 2
complete pairs"}}``. A whole section that does not apply (no SERVQUAL items in a CVS
wave) is ``null`` with its reason under the top-level ``reasons``. ``NaN`` and
``Infinity`` never appear: :func:`dumps` refuses them.

Example::

    >>> from gapsight.analysis.result import Undefined
    >>> record(code="01", t=Undefined("fewer than 2 complete pairs"), n_pairs=1)
    {'code': '01', 't': None, 'n_pairs': 1, 'reasons': {'t': 'fewer than 2 complete pairs'}}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gapsight.analysis.result import Undefined

if TYPE_CHECKING:
    from gapsight.analysis.breakdown import BreakdownCell, BreakdownTable
    from gapsight.analysis.cvs import CvsResult
    from gapsight.analysis.descriptives import Descriptives
    from gapsight.analysis.drivers import KeyDrivers
    from gapsight.analysis.estimate import MeanEstimate
    from gapsight.analysis.grades import GradesResult
    from gapsight.analysis.importance import ImportancePerformance
    from gapsight.analysis.nps import NpsResult
    from gapsight.analysis.precision import MarginOfError
    from gapsight.analysis.reliability import ReliabilityTable
    from gapsight.analysis.servqual import (
        Aggregate,
        DimensionGap,
        Servperf,
        ServqualResult,
        WeightedServqual,
        ZoneOfTolerance,
    )
    from gapsight.analysis.ttest import TTest
    from gapsight.analyst.analysis import Analysis

__all__ = ["FORMAT", "VERSION", "build_document", "dumps", "record"]

FORMAT = "gapsight.analysis"
"""Value of the document's ``format`` key."""
VERSION = 1
"""Value of the document's ``version`` key; incremented when a key changes meaning."""

NOT_FINITE = "not a finite number"
NO_POPULATION = "population size not given: no finite population correction"
NO_DISTRIBUTION = "answers are not whole numbers on a tabulable scale"


def _plain(value: Any) -> Any:
    """``value`` as a JSON-able Python value (NumPy scalars unwrapped)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(**fields: Any) -> dict[str, Any]:
    """One JSON object: :class:`Undefined` (and any stray non-finite float) becomes
    ``None`` with its reason collected under ``reasons``; keys keep their order."""
    out: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for key, value in fields.items():
        if isinstance(value, Undefined):
            out[key] = None
            reasons[key] = value.reason
            continue
        value = _plain(value)
        if isinstance(value, float) and not math.isfinite(value):
            out[key] = None
            reasons[key] = NOT_FINITE
            continue
        out[key] = value
    if reasons:
        out["reasons"] = reasons
    return out


def dumps(document: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """The document as JSON text; ``ValueError`` if a ``NaN`` slipped through."""
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)


# ------------------------------------------------------------------------- sections
def _estimate(est: MeanEstimate, **extra: Any) -> dict[str, Any]:
    return record(
        **extra,
        mean=est.mean,
        sd=est.sd,
        ci_low=est.ci_low,
        ci_high=est.ci_high,
        n=est.n,
    )


def precision_section(moe: MarginOfError) -> dict[str, Any]:
    """``precision``: worst-case margin of error of a percentage, and the report sentence."""
    from gapsight.analysis.precision import precision_sentence

    return record(
        n=moe.n,
        population=moe.population if moe.population is not None else Undefined(NO_POPULATION),
        margin_pp=moe.margin_pp,
        fpc=moe.fpc,
        sentence_nl=precision_sentence(moe, "nl"),
        sentence_en=precision_sentence(moe, "en"),
    )


def descriptives_section(desc: Descriptives) -> list[dict[str, Any]]:
    """``descriptives[]``: one object per item."""
    return [
        record(
            code=it.code,
            n=it.n,
            mean=it.mean,
            sd=it.sd,
            min=it.min,
            max=it.max,
            dont_know=it.dont_know,
            missing=it.missing,
            distribution=(
                Undefined(NO_DISTRIBUTION)
                if it.distribution is None
                else {str(k): v for k, v in it.distribution.items()}
            ),
        )
        for it in desc.items
    ]


def _test(t: TTest | None) -> dict[str, Any]:
    if t is None:
        return {}
    return {
        "t": t.t,
        "df": t.df,
        "p": t.p,
        "d_z": t.d_z,
        "ci_low": t.ci_low,
        "ci_high": t.ci_high,
    }


def _dimension(d: DimensionGap) -> dict[str, Any]:
    extra: dict[str, Any] = {} if d.test is None else {"n": d.n, **_test(d.test)}
    if d.n_min is not None:
        extra.update(n_min=d.n_min, n_max=d.n_max)
    return record(
        dimension=d.dimension,
        k=d.k,
        expectation=d.expectation,
        perception=d.perception,
        gap=d.gap,
        **extra,
    )


def _aggregate(agg: Aggregate) -> dict[str, Any]:
    o = agg.overall
    return {
        "label": agg.label,
        "dimensions": [_dimension(d) for d in agg.dimensions],
        "overall": record(
            expectation=o.expectation,
            perception=o.perception,
            gap=o.gap,
            n_min=o.n_min,
            n_max=o.n_max,
        ),
    }


def _weighted(w: WeightedServqual) -> dict[str, Any]:
    return {
        **record(
            gap=w.gap,
            n=w.n,
            **_test(w.test),
            rule=w.rule,
            n_weights_missing=w.n_weights_missing,
            n_invalid=w.n_invalid,
            n_not_100=w.n_not_100,
            n_rejected=w.n_rejected,
            n_renormalised=w.n_renormalised,
            n_gaps_missing=w.n_gaps_missing,
        ),
        "mean_weights": record(**w.mean_weights),
    }


def _zone(z: ZoneOfTolerance) -> dict[str, Any]:
    return {
        "inverted": z.inverted,
        "items": [
            record(
                code=i.code,
                dimension=i.dimension,
                minimum=i.minimum,
                desired=i.desired,
                perception=i.perception,
                msa=i.msa,
                mss=i.mss,
                width=i.width,
                position=i.position,
                n_complete=i.n_complete,
                below=i.below,
                within=i.within,
                above=i.above,
                inverted=i.inverted,
            )
            for i in z.items
        ],
        "dimensions": [
            record(
                dimension=d.dimension,
                minimum=d.minimum,
                desired=d.desired,
                perception=d.perception,
                msa=d.msa,
                mss=d.mss,
                width=d.width,
                position=d.position,
                n_min=d.n_min,
                n_max=d.n_max,
            )
            for d in z.dimensions
        ],
    }


def servqual_section(sq: ServqualResult) -> dict[str, Any]:
    """``servqual``: items with tests, the chosen aggregation, both aggregations,
    weighted score and zone of tolerance."""
    chosen = _aggregate(sq.chosen)
    o = sq.overall
    weighted = {} if sq.weighted is None else {"weighted_gap": sq.weighted.gap}
    overall = record(
        expectation=o.expectation,
        perception=o.perception,
        gap=o.gap,
        n_min=o.n_min,
        n_max=o.n_max,
        **weighted,
    )
    return {
        "aggregation": sq.aggregation,
        "aggregation_label": sq.chosen.label,
        "adjust": sq.adjustment,
        "confidence": sq.confidence,
        "round_item_means": sq.round_item_means,
        "min_valid_share": sq.min_share,
        "n": sq.n,
        "items": [
            record(
                code=it.code,
                dimension=it.dimension,
                expectation_code=it.expectation_code,
                perception_code=it.perception_code,
                expectation=it.expectation,
                perception=it.perception,
                gap=it.gap,
                n_expectation=it.n_expectation,
                n_perception=it.n_perception,
                n_pairs=it.n_pairs,
                mean_difference=it.test.mean,
                **_test(it.test),
                p_adjusted=it.p_adjusted,
            )
            for it in sq.items
        ],
        "dimensions": chosen["dimensions"],
        "overall": overall,
        "by_item_means": _aggregate(sq.by_item_means),
        "by_respondent": _aggregate(sq.by_respondent),
        "weighted": None if sq.weighted is None else _weighted(sq.weighted),
        "zone": None if sq.zone is None else _zone(sq.zone),
        **_section_reasons(
            weighted=None if sq.weighted is not None else NO_WEIGHTS,
            zone=None if sq.zone is not None else NO_ZONE,
        ),
    }


NO_WEIGHTS = "no importance points (w_<dimension>) in the data"
NO_ZONE = "no zone-of-tolerance columns (m01/d01 …) in the data"


def _section_reasons(**reasons: str | None) -> dict[str, Any]:
    given = {k: v for k, v in reasons.items() if v is not None}
    return {"reasons": given} if given else {}


def servperf_section(sp: Servperf) -> dict[str, Any]:
    """``servperf``: perception means per item, dimension and overall."""
    return {
        "aggregation": sp.aggregation,
        "items": [
            record(code=i.code, dimension=i.dimension, n=i.n, mean=i.mean, sd=i.sd)
            for i in sp.items
        ],
        "dimensions": [
            record(
                dimension=d.dimension,
                k=d.k,
                perception=d.perception,
                **({} if d.n is None else {"n": d.n}),
            )
            for d in sp.dimensions
        ],
        "overall": record(perception=sp.overall),
    }


def reliability_section(table: ReliabilityTable) -> list[dict[str, Any]]:
    """``reliability[]``: one object per scale with its items."""
    return [
        {
            **record(
                scale=r.scale,
                k=r.k,
                missing=r.missing,
                alpha=r.alpha,
                standardized_alpha=r.standardized_alpha,
                ci_low=r.ci_low,
                ci_high=r.ci_high,
                n=r.n,
                n_excluded=r.n_excluded,
                mean_inter_item_r=r.mean_inter_item_r,
            ),
            "items": [
                record(
                    code=it.code,
                    mean=it.mean,
                    sd=it.sd,
                    alpha_if_deleted=it.alpha_if_deleted,
                    item_rest_r=it.item_rest_r,
                )
                for it in r.items
            ],
        }
        for r in table.scales
    ]


def cvs_section(cvs: CvsResult) -> dict[str, Any]:
    """``cvs``: the study CVS with its CI and the mean of each part."""
    return {
        **record(
            score=cvs.score.mean,
            sd=cvs.score.sd,
            ci_low=cvs.score.ci_low,
            ci_high=cvs.score.ci_high,
            n=cvs.n,
            n_excluded=cvs.n_excluded,
            norm_met=cvs.norm.met,
            norm_rule_applied=cvs.norm.rule_applied,
            norm_rule=cvs.norm.rule.describe(),
        ),
        "parts": [_estimate(est, code=code) for code, est in cvs.parts.items()],
    }


def nps_section(nps: NpsResult, code: str | None = None) -> dict[str, Any]:
    """``nps``: score, counts, adjusted-Wald CI, worst-case margin."""
    return record(
        **({} if code is None else {"code": code}),
        score=nps.score,
        promoters=nps.promoters,
        passives=nps.passives,
        detractors=nps.detractors,
        ci_low=nps.ci_low,
        ci_high=nps.ci_high,
        n=nps.n,
        margin_worst_case=nps.margin_worst_case,
    )


def grades_section(grades: GradesResult) -> list[dict[str, Any]]:
    """``grades[]``: one object per report-grade item."""
    return [
        {
            **record(
                code=g.code,
                mean=g.estimate.mean,
                sd=g.estimate.sd,
                ci_low=g.estimate.ci_low,
                ci_high=g.estimate.ci_high,
                n=g.n,
                share_sufficient=g.share_sufficient,
                share_insufficient=g.share_insufficient,
                norm_met=g.norm.met,
                norm_rule_applied=g.norm.rule_applied,
                norm_rule=g.norm.rule.describe(),
            ),
            "distribution": {str(k): v for k, v in g.distribution.items()},
        }
        for g in grades.grades
    ]


def drivers_section(drivers: KeyDrivers) -> dict[str, Any]:
    """``drivers[]``: one key-driver analysis (outcome, R², Pearson r and LMG)."""
    return {
        **record(
            outcome=drivers.outcome,
            n=drivers.n,
            n_excluded=drivers.n_excluded,
            r_squared=drivers.r_squared,
        ),
        "drivers": [
            record(
                name=d.name,
                r=d.r,
                r_p=d.r_p,
                r_ci_low=d.r_ci_low,
                r_ci_high=d.r_ci_high,
                lmg=d.lmg,
                lmg_share=d.lmg_share,
                rank=d.rank,
            )
            for d in drivers.drivers
        ],
    }


def ipa_section(ipa: ImportancePerformance) -> dict[str, Any]:
    """``importance_performance``: crosshairs and one point per dimension."""
    return {
        **record(
            performance_cross=ipa.performance_cross,
            importance_cross=ipa.importance_cross,
            cross_source=list(ipa.cross_source),
        ),
        "points": [
            record(
                name=p.name,
                performance=p.performance,
                importance=p.importance,
                quadrant=p.quadrant if p.quadrant is not None else Undefined(p.reason or ""),
            )
            for p in ipa.points
        ],
    }


def _cell(cell: BreakdownCell) -> dict[str, Any]:
    est = cell.estimate
    numbers: dict[str, Any] = {}
    if est is not None:
        numbers = {"mean": est.mean, "sd": est.sd, "ci_low": est.ci_low, "ci_high": est.ci_high}
    if cell.value is not None:
        numbers["value"] = cell.value
    group = "total" if cell.is_total else cell.group
    n: int | Undefined | None = cell.n
    if cell.suppressed:
        n = Undefined(cell.reason or "suppressed")
    elif n is None:
        n = 0
    return record(
        group=None if group is None else str(group),
        n=n,
        **numbers,
        status=cell.public_status,
    )


def breakdowns_section(table: BreakdownTable) -> list[dict[str, Any]]:
    """``breakdowns.<characteristic>[]``: per item or score, its groups and total."""
    return [
        {"code": b.code, "groups": [_cell(c) for c in b.cells], "total": _cell(b.total)}
        for b in table.breakdowns
    ]


def build_document(analysis: Analysis, *, source: str | None = None) -> dict[str, Any]:
    """The whole document (see ``docs/analysis-json.md``) for ``analysis``.

    ``source`` is a short description of where the data came from (a file name, or
    ``study <id> wave <n>``), or ``None``.
    """
    from gapsight import __version__

    ins = analysis.instrument
    reasons = dict(analysis.skipped)
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_by": f"gapsight {__version__}",
        "instrument": {
            "id": ins.id,
            "version": ins.version,
            "combined_from": list(getattr(ins, "combined_from", ()) or ()),
        },
        "source": source,
        "n": analysis.n,
        "options": _plain(analysis.options.as_dict()),
        "precision": precision_section(analysis.precision),
        "descriptives": descriptives_section(analysis.descriptives),
        "servqual": None if analysis.servqual is None else servqual_section(analysis.servqual),
        "servperf": None if analysis.servperf is None else servperf_section(analysis.servperf),
        "reliability": (
            None if analysis.reliability is None else reliability_section(analysis.reliability)
        ),
        "cvs": None if analysis.cvs is None else cvs_section(analysis.cvs),
        "nps": None if analysis.nps is None else nps_section(analysis.nps, analysis.nps_item),
        "grades": None if analysis.grades is None else grades_section(analysis.grades),
        "drivers": [drivers_section(d) for d in analysis.drivers],
        "importance_performance": (
            None
            if analysis.importance_performance is None
            else ipa_section(analysis.importance_performance)
        ),
        "breakdowns": {by: breakdowns_section(t) for by, t in analysis.breakdowns.items()},
        "warnings": [
            record(
                code=w.code,
                message=w.message,
                **({} if w.subject is None else {"subject": w.subject}),
            )
            for w in analysis.warnings
        ],
        "reasons": reasons,
    }
