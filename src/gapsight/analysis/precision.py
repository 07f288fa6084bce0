"""Response rates, margins of error with finite population correction, sample size.

Response (``analysis.md``): *invited* → *valid* (reachable and eligible invitations) →
*started* → *returned* (= complete + partial) → *usable* (= returned − excluded: empty,
ineligible, straight-lining …). **Gross rate = returned / valid, net rate = usable /
valid.**

Margin of error for a proportion at confidence c with population N (worst case p = 0.5)::

    E = z · √(p(1 − p) / n) · √((N − n) / (N − 1))          (× 100 → percentage points)

For a mean: ``E = t(n − 1) · s / √n`` with the same correction. Required sample size::

    n0 = z² p(1 − p) / E²,   n = n0 / (1 + (n0 − 1) / N),   rounded up.

Reference values (``analysis.md``; Cochran 1977, *Sampling Techniques*, §4.4): 95 %,
±5 pp, N = 20,000 → 377; N = 1,000 → 278.

These margins cover **sampling error only** and assume non-response is ignorable
(non-respondents answer like respondents); :func:`precision_sentence` says so.

Example::

    >>> required_sample_size(0.05, population=20_000).n
    377
    >>> moe = margin_of_error_proportion(300, population=1_000)
    >>> round(moe.margin_pp, 2)
    4.74
    >>> precision_sentence(moe, "nl").split(".")[0][-29:]
    'van maximaal ±4,7 procentpunt'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from scipy import stats

from gapsight.analysis.estimate import check_confidence
from gapsight.analysis.result import Number, Undefined, frame_value, is_defined, note_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MarginOfError",
    "ResponseRates",
    "SampleSize",
    "margin_of_error_mean",
    "margin_of_error_proportion",
    "precision_sentence",
    "required_sample_size",
    "response_rates",
]


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + check_confidence(confidence) / 2.0))


def _fpc(n: int, population: int | None) -> float:
    if population is None:
        return 1.0
    if population < n:
        raise ValueError(f"population ({population}) is smaller than the sample ({n})")
    if population <= 1:
        return 0.0
    return math.sqrt((population - n) / (population - 1))


def _count(name: str, v: int) -> int:
    if int(v) != v or v < 0:
        raise ValueError(f"{name} must be a non-negative whole number, got {v!r}")
    return int(v)


@dataclass(frozen=True)
class ResponseRates:
    """Counts and rates of one wave's fieldwork.

    Attributes:
        invited, valid, started, complete, partial: counts as given.
        excluded: count per reason (``empty``, ``ineligible``, ``straight_lining`` …).
        returned: ``complete + partial``.
        usable: ``returned − Σ excluded``.
        gross_rate: ``returned / valid``.
        net_rate: ``usable / valid``.
    """

    invited: int
    valid: int
    started: int
    complete: int
    partial: int
    excluded: Mapping[str, int] = field(default_factory=dict)

    @property
    def n_excluded(self) -> int:
        """All exclusions together."""
        return sum(self.excluded.values())

    @property
    def returned(self) -> int:
        """Complete plus partial questionnaires."""
        return self.complete + self.partial

    @property
    def usable(self) -> int:
        """Returned minus excluded: the n the analysis runs on."""
        return self.returned - self.n_excluded

    @property
    def gross_rate(self) -> Number:
        """Returned / valid."""
        return self.returned / self.valid if self.valid else Undefined("no valid invitations")

    @property
    def net_rate(self) -> Number:
        """Usable / valid."""
        return self.usable / self.valid if self.valid else Undefined("no valid invitations")

    def to_frame(self) -> pd.DataFrame:
        """One row with all counts and both rates."""
        import pandas as pd

        row: dict[str, object] = {
            "invited": self.invited,
            "valid": self.valid,
            "started": self.started,
            "complete": self.complete,
            "partial": self.partial,
            "returned": self.returned,
            **{f"excluded_{k}": v for k, v in self.excluded.items()},
            "excluded": self.n_excluded,
            "usable": self.usable,
            "gross_rate": frame_value(self.gross_rate),
            "net_rate": frame_value(self.net_rate),
            "note": note_of((self.gross_rate, self.net_rate)),
        }
        return pd.DataFrame([row])


def response_rates(
    *,
    invited: int,
    valid: int,
    started: int,
    complete: int,
    partial: int = 0,
    excluded: Mapping[str, int] | None = None,
) -> ResponseRates:
    """Validate the fieldwork counts and return them with the derived rates.

    ``ValueError`` when the counts are inconsistent (e.g. more valid than invited, more
    returned than started, more excluded than returned).
    """
    inv, val = _count("invited", invited), _count("valid", valid)
    sta, com, par = (
        _count("started", started),
        _count("complete", complete),
        _count("partial", partial),
    )
    exc = {k: _count(f"excluded[{k}]", v) for k, v in (excluded or {}).items()}
    if val > inv:
        raise ValueError(f"valid ({val}) exceeds invited ({inv})")
    if sta > val:
        raise ValueError(f"started ({sta}) exceeds valid ({val})")
    if com + par > sta:
        raise ValueError(f"complete + partial ({com + par}) exceeds started ({sta})")
    if sum(exc.values()) > com + par:
        raise ValueError(f"excluded ({sum(exc.values())}) exceeds returned ({com + par})")
    return ResponseRates(inv, val, sta, com, par, exc)


@dataclass(frozen=True)
class MarginOfError:
    """Half-width of a confidence interval.

    Attributes:
        kind: ``"proportion"`` or ``"mean"``.
        n: sample size.
        population: N, or ``None`` for an infinite population (no correction).
        confidence: confidence level.
        margin: half-width on the scale of the estimate (a proportion 0–1, or points).
        margin_pp: for proportions, ``100 · margin`` (percentage points); else equal
            to ``margin``.
        fpc: the finite population correction factor applied.
        p: the proportion assumed (0.5 = worst case), proportions only.
    """

    kind: Literal["proportion", "mean"]
    n: int
    population: int | None
    confidence: float
    margin: Number
    margin_pp: Number
    fpc: float
    p: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "kind": self.kind,
                    "n": self.n,
                    "population": self.population,
                    "confidence": self.confidence,
                    "p": self.p,
                    "fpc": self.fpc,
                    "margin": frame_value(self.margin),
                    "margin_pp": frame_value(self.margin_pp),
                    "note": note_of((self.margin,)),
                }
            ]
        )


def margin_of_error_proportion(
    n: int, *, population: int | None = None, confidence: float = 0.95, p: float = 0.5
) -> MarginOfError:
    """``z · √(p(1−p)/n) · FPC`` — by default the worst case p = 0.5."""
    n = _count("n", n)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")
    z = _z(confidence)
    if n == 0:
        u = Undefined("no respondents")
        return MarginOfError("proportion", 0, population, confidence, u, u, 1.0, p)
    fpc = _fpc(n, population)
    m = z * math.sqrt(p * (1.0 - p) / n) * fpc
    return MarginOfError("proportion", n, population, confidence, m, 100.0 * m, fpc, p)


def margin_of_error_mean(
    sd: float, n: int, *, population: int | None = None, confidence: float = 0.95
) -> MarginOfError:
    """``t(n − 1) · s / √n · FPC`` in the units of the mean."""
    n = _count("n", n)
    check_confidence(confidence)
    if n < 2:
        u = Undefined("fewer than 2 respondents")
        return MarginOfError("mean", n, population, confidence, u, u, 1.0)
    if not math.isfinite(sd) or sd < 0:
        raise ValueError(f"sd must be a non-negative number, got {sd!r}")
    fpc = _fpc(n, population)
    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    m = t * sd / math.sqrt(n) * fpc
    return MarginOfError("mean", n, population, confidence, m, m, fpc)


@dataclass(frozen=True)
class SampleSize:
    """Required number of usable responses.

    Attributes:
        margin: target half-width as a proportion (0.05 = ±5 percentage points).
        confidence, p, population: as given.
        n0: ``z² p(1−p) / E²`` (infinite population, unrounded).
        n_exact: after the finite population correction, unrounded.
        n: ``ceil(n_exact)``.
    """

    margin: float
    confidence: float
    p: float
    population: int | None
    n0: float
    n_exact: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One row."""
        import pandas as pd

        return pd.DataFrame([self.__dict__])


def required_sample_size(
    margin: float, *, population: int | None = None, confidence: float = 0.95, p: float = 0.5
) -> SampleSize:
    """Responses needed for a margin of ``±margin`` (a proportion: 0.05 = ±5 pp)."""
    if not 0.0 < margin < 1.0:
        raise ValueError(f"margin is a proportion between 0 and 1 (0.05 = ±5 pp), got {margin!r}")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    if population is not None and (int(population) != population or population < 1):
        raise ValueError(f"population must be a positive whole number, got {population!r}")
    z = _z(confidence)
    n0 = z * z * p * (1.0 - p) / (margin * margin)
    n_exact = n0 if population is None else n0 / (1.0 + (n0 - 1.0) / population)
    # guard against 377.0000000001 from rounding noise before taking the ceiling
    n = math.ceil(n_exact - 1e-9)
    if population is not None:
        n = min(n, int(population))
    return SampleSize(margin, confidence, p, population, n0, n_exact, n)


def _fmt(x: float, decimals: int, lang: str) -> str:
    s = f"{x:.{decimals}f}"
    return s.replace(".", ",") if lang == "nl" else s


def precision_sentence(
    moe: MarginOfError, lang: Literal["nl", "en"] = "nl", *, decimals: int = 1
) -> str:
    """The standard report sentence on precision, with the non-response caveat.

    Dutch: "De resultaten hebben bij een betrouwbaarheidsniveau van 95% een
    nauwkeurigheidsmarge van maximaal ±x procentpunt." English: "At a confidence level of
    95%, the results have a margin of error of at most ±x percentage points." Both are
    followed by the caveat that the margin covers sampling error only and assumes
    non-response is ignorable.
    """
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', got {lang!r}")
    if not is_defined(moe.margin_pp):
        return (
            "De nauwkeurigheidsmarge is niet te berekenen (te weinig respondenten)."
            if lang == "nl"
            else "The margin of error cannot be computed (too few respondents)."
        )
    conf = f"{moe.confidence * 100:g}%"
    if lang == "nl":
        conf = conf.replace(".", ",")
    x = _fmt(moe.margin_pp, decimals, lang)
    unit_nl = "procentpunt" if moe.kind == "proportion" else "punt"
    unit_en = "percentage points" if moe.kind == "proportion" else "points"
    if lang == "nl":
        return (
            f"De resultaten hebben bij een betrouwbaarheidsniveau van {conf} een "
            f"nauwkeurigheidsmarge van maximaal ±{x} {unit_nl}. Deze marge betreft alleen "
            "de steekproeffout en veronderstelt dat non-respons de uitkomsten niet "
            "vertekent (dat niet-deelnemers gemiddeld hetzelfde zouden antwoorden)."
        )
    return (
        f"At a confidence level of {conf}, the results have a margin of error of at most "
        f"±{x} {unit_en}. This margin covers sampling error only and assumes that "
        "non-response is ignorable (non-respondents would on average have answered like "
        "respondents)."
    )
