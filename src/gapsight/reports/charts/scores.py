"""Score figures: the Customer Value Score with its parts, and the NPS stacked bar.

:func:`cvs_chart`
    Four horizontal bars on the 0–10 scale: satisfaction, loyalty and recommendation
    (the three parts, on the same respondents) and the CVS itself (their mean, drawn
    darker). The whisker on each bar is its confidence interval; the dashed vertical
    line is the guideline norm (7). The line above the bars says whether the norm is
    met and by which rule (level ≥ 7, or an improvement on the previous wave).

:func:`nps_chart`
    One 100 % bar per wave or group: detractors (0–6, hatched, left), passives (7–8,
    grey) and promoters (9–10, right), with the share printed in each part. The NPS
    (promoters − detractors, in points) and its confidence interval are written at
    the end of each bar. Groups suppressed for privacy say so instead of a bar.

Example::

    >>> from gapsight.analysis.nps import net_promoter_score
    >>> svg = nps_chart(net_promoter_score([10, 9, 9, 8, 7, 6, 3, 10, 9, 5]), "en")
    >>> "Promoters (9–10)" in svg and "50%" in svg
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from gapsight.analysis.cvs import CVS_CODES, CvsResult
from gapsight.analysis.estimate import MeanEstimate
from gapsight.analysis.norm import NormCheck
from gapsight.analysis.nps import NpsBreakdown, NpsResult
from gapsight.reports.charts.labels import text
from gapsight.reports.charts.style import (
    PALETTE,
    SMALL_PT,
    Drawing,
    Lang,
    check_lang,
    drawing,
    fmt,
    fmt_range,
    new_figure,
    no_data,
    number_formatter,
    to_svg,
    value,
)

__all__ = ["NpsRows", "cvs_chart", "norm_text", "nps_chart", "nps_rows"]


def norm_text(norm: NormCheck, lang: Lang) -> str:
    """The norm verdict in one short phrase: "norm met (≥ 7)" / "norm niet gehaald"."""
    if not norm.met:
        return text("norm_not_met", lang)
    rule = norm.rule
    if norm.rule_applied == "improvement_points":
        how = text("rule_improvement_points", lang, improvement=fmt(rule.improvement, lang, 1))
    elif norm.rule_applied == "improvement_relative":
        how = text("rule_improvement_relative", lang)
    else:
        how = text("rule_level", lang, level=fmt(rule.level, lang, 0))
    return text("norm_met", lang, rule=how)


def cvs_chart(cvs: CvsResult, lang: str) -> str:
    """Bars of the three CVS parts and the CVS, with CIs and the norm line at 7.

    Args:
        cvs: :func:`gapsight.analysis.cvs.customer_value_score` result.
        lang: ``"nl"`` or ``"en"``.

    Returns:
        SVG text; a CVS without respondents gives a "no data" figure.
    """
    return to_svg(_cvs_drawing(cvs, check_lang(lang)))


def _cvs_drawing(cvs: CvsResult, lang: Lang) -> Drawing:
    title = text("cvs_title", lang)
    if value(cvs.score.mean) is None:
        return no_data(title, lang)
    rows: list[tuple[str, MeanEstimate, bool]] = []
    for code, est in cvs.parts.items():
        label = text(code, lang) if code in CVS_CODES else code
        rows.append((label, est, False))
    rows.append((text("cvs", lang), cvs.score, True))
    level = cvs.norm.rule.level
    with drawing():
        fig = new_figure(2.4)
        ax = fig.add_subplot()
        for i, (_label, est, total) in enumerate(rows):
            m = value(est.mean)
            if m is None:
                ax.text(0.1, i, text("not_computable", lang), va="center", fontsize=SMALL_PT)
                continue
            ax.barh(
                i,
                m,
                height=0.62,
                color=PALETTE["blue"] if total else PALETTE["sky_blue"],
                edgecolor=PALETTE["blue"],
                linewidth=0.6,
            )
            lo, hi = value(est.ci_low), value(est.ci_high)
            if lo is not None and hi is not None:
                ax.errorbar(
                    m,
                    i,
                    xerr=[[m - lo], [hi - m]],
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                    linewidth=1,
                )
            end = hi if hi is not None else m
            ax.text(
                end + 0.12,
                i,
                f"{fmt(m, lang, 1)}  ({fmt_range(est.ci_low, est.ci_high, lang, 1)})",
                va="center",
                fontsize=SMALL_PT + 0.5,
                fontweight="bold" if total else "normal",
            )
        ax.axvline(level, color=PALETTE["vermillion"], linestyle=(0, (5, 3)), linewidth=1.2)
        ax.text(
            level,
            -0.78,
            " " + text("norm_line", lang, level=fmt(level, lang, 0)),
            color=PALETTE["vermillion"],
            ha="left",
            va="center",
            fontsize=SMALL_PT,
        )
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([r[0] for r in rows])
        for tick, r in zip(ax.get_yticklabels(), rows, strict=True):
            if r[2]:
                tick.set_fontweight("bold")
        ax.set_ylim(len(rows) - 0.4, -1.0)
        ax.set_xlim(0, 10)
        ax.set_xticks(range(0, 11))
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.set_xlabel(text("score_0_10", lang))
        ax.tick_params(axis="y", length=0)
        verdict = norm_text(cvs.norm, lang)
        ax.set_title(
            f"{text('cvs', lang)} {fmt(cvs.score.mean, lang, 1)}: {verdict} · n = {cvs.n}",
            loc="left",
            fontsize=SMALL_PT + 1,
        )
    desc = "; ".join(
        f"{label} {fmt(est.mean, lang, 1)} ({fmt_range(est.ci_low, est.ci_high, lang, 1)})"
        for label, est, _ in rows
    )
    return Drawing(fig, title, f"{title}: {desc}; {verdict}.")


NpsRows = NpsResult | Sequence[tuple[str, NpsResult | None]]
"""One NPS result, or labelled results per wave or group (``None`` = suppressed)."""


def nps_rows(breakdown: NpsBreakdown, lang: str) -> list[tuple[str, NpsResult | None]]:
    """The rows of :func:`nps_chart` for an NPS breakdown: each group (suppressed groups
    as ``None``, a missing characteristic as "n/a"), then the total ("Overall")."""
    lg = check_lang(lang)
    rows: list[tuple[str, NpsResult | None]] = [
        (text("not_available", lg) if g.group is None else str(g.group), g.result)
        for g in breakdown.groups
    ]
    rows.append((text("overall", lg), breakdown.total.result))
    return rows


def _pct(share: float, lang: Lang) -> str:
    return f"{fmt(share * 100, lang, 0)}%"


def nps_chart(nps: NpsRows, lang: str) -> str:
    """100 % stacked bars detractors / passives / promoters with the NPS and its CI.

    Args:
        nps: one :class:`~gapsight.analysis.nps.NpsResult`, or a sequence of
            ``(label, result)`` per wave or group in display order, where ``result`` is
            ``None`` for a group suppressed below the minimum group size (e.g. from
            :class:`~gapsight.analysis.nps.NpsBreakdown`). Labels are printed as given.
        lang: ``"nl"`` or ``"en"``.

    Returns:
        SVG text; no valid answers anywhere gives a "no data" figure.
    """
    return to_svg(_nps_drawing(nps, check_lang(lang)))


def _nps_drawing(nps: NpsRows, lang: Lang) -> Drawing:
    title = text("nps_title", lang)
    rows = [(text("overall", lang), nps)] if isinstance(nps, NpsResult) else list(nps)
    if not any(r is not None and r.n > 0 for _, r in rows):
        return no_data(title, lang)
    parts = (
        ("detractors", PALETTE["vermillion"], "\\\\\\"),
        ("passives", PALETTE["light_grey"], None),
        ("promoters", PALETTE["bluish_green"], None),
    )
    desc_rows: list[str] = []
    with drawing():
        fig = new_figure(1.2 + 0.42 * len(rows))
        ax = fig.add_subplot()
        for i, (label, r) in enumerate(rows):
            if r is None or r.n == 0:
                ax.text(
                    0.01,
                    i,
                    text("suppressed", lang) if r is None else text("no_data", lang),
                    va="center",
                    fontsize=SMALL_PT,
                    style="italic",
                    color=PALETTE["dark_grey"],
                )
                desc_rows.append(f"{label}: {text('suppressed', lang)}")
                continue
            shares = {
                "detractors": r.detractors / r.n,
                "passives": r.passives / r.n,
                "promoters": r.promoters / r.n,
            }
            left = 0.0
            for key, colour, hatch in parts:
                w = shares[key]
                ax.barh(
                    i,
                    w,
                    left=left,
                    height=0.6,
                    color=colour,
                    hatch=hatch,
                    edgecolor="white",
                    linewidth=0.8,
                    label=text(key, lang)
                    if i == next(j for j, (_, x) in enumerate(rows) if x is not None and x.n > 0)
                    else None,
                )
                if w >= 0.06:
                    ax.text(
                        left + w / 2,
                        i,
                        _pct(w, lang),
                        ha="center",
                        va="center",
                        fontsize=SMALL_PT,
                        color="white" if key == "promoters" else "black",
                        fontweight="bold",
                        bbox=(
                            {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}
                            if key == "detractors"
                            else None
                        ),
                    )
                left += w
            score = f"{text('nps_value', lang)} {fmt(r.score, lang, 0, sign=True)}"
            ci = fmt_range(r.ci_low, r.ci_high, lang, 0)
            ax.text(1.02, i, f"{score}\n({ci}) n = {r.n}", va="center", fontsize=SMALL_PT)
            desc_rows.append(
                f"{label}: {text('promoters', lang).lower()} {_pct(shares['promoters'], lang)}, "
                f"{text('passives', lang).lower()} {_pct(shares['passives'], lang)}, "
                f"{text('detractors', lang).lower()} {_pct(shares['detractors'], lang)}; "
                f"{score} ({ci})"
            )
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([label for label, _ in rows])
        ax.set_ylim(len(rows) - 0.4, -0.6)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels([_pct(x, lang) for x in (0, 0.25, 0.5, 0.75, 1.0)])
        ax.set_xlabel(text("share_of_answers", lang))
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False)
    return Drawing(fig, title, f"{title}: " + "; ".join(desc_rows) + ".")
