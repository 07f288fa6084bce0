"""Benchmark: the full analysis of one wave (issue 4, ``benchmarks/analysis``).

One command::

    .venv/bin/python benchmarks/analysis.py [--rows 1000000] [--record benchmarks/RESULTS.md]

It generates a wave of ``--rows`` respondents (SERVQUAL-22: 44 items with importance
points and the overall grade; the three CVS questions; the 7 KTO report grades; two
loaded characteristics with 10 groups each), caches it under ``benchmarks/.data/``, and
times three variants, each in its own subprocess so that peak memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to that variant alone:

``ours``
    ``gapsight.analyze`` on the :class:`~gapsight.analysis.matrix.ResponseMatrix` the
    store would load: descriptives, SERVQUAL in both aggregations (and with rounded item
    means) with paired t-tests, Holm and BH, per-dimension tests and the weighted score,
    SERVPERF, reliability of every scale, CVS, NPS, grades, breakdowns by both
    characteristics and key drivers.
``ours-df``
    the same through the analyst API from a pandas DataFrame (adds the conversion).
``baseline``
    a straightforward pandas + pingouin + SciPy implementation of the same outputs,
    written below (``pingouin.cronbach_alpha``, ``scipy.stats.ttest_rel`` per item,
    ``groupby`` for breakdowns, statsmodels OLS over all subsets for LMG …).
``floor``
    one NumPy pass over the same matrix: ``nanmean`` and ``nanstd`` of every column.

Timings exclude loading the cached wave (every variant loads the same arrays) and the
import of the libraries. The parent prints a table with ratios, checks the targets
(≥ 5× faster than the baseline, within 20× of the floor, peak < 2 GB) and checks that
ours and the baseline agree on a handful of numbers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
SECTION = "## Analysis of one wave (issue 4)"

DIMENSIONS: dict[str, tuple[int, ...]] = {
    "tangibles": (1, 2, 3, 4),
    "reliability": (5, 6, 7, 8, 9),
    "responsiveness": (10, 11, 12, 13),
    "assurance": (14, 15, 16, 17),
    "empathy": (18, 19, 20, 21, 22),
}
E_CODES = [f"e{i:02d}" for i in range(1, 23)]
P_CODES = [f"p{i:02d}" for i in range(1, 23)]
W_CODES = [f"w_{d}" for d in DIMENSIONS]
CVS_CODES = ["cvs_satisfaction", "cvs_loyalty", "cvs_recommend"]
GRADE_CODES = [
    "grade_service",
    "grade_quality",
    "grade_appearance",
    "grade_reliability",
    "grade_competence",
    "grade_handling",
    "grade_communication",
]
OVERALL = "grade_overall"
CODES = [*E_CODES, *P_CODES, *W_CODES, OVERALL, *CVS_CODES, *GRADE_CODES]
CHARACTERISTICS = ("segment", "region")
CONFIDENCE = 0.95
MIN_GROUP = 5
MIN_VALID_SHARE = 0.5


# --------------------------------------------------------------------------- the wave
@dataclass(frozen=True)
class Wave:
    """Generated answers: ``values`` (n × len(CODES), NaN = missing), the don't-know
    mask (perceptions only) and the two characteristics as fixed-width strings."""

    values: npt.NDArray[np.float64]
    dont_know: npt.NDArray[np.bool_]
    characteristics: dict[str, npt.NDArray[np.str_]]

    @property
    def n(self) -> int:
        return int(self.values.shape[0])


def _likert(
    rng: np.random.Generator, centre: float, latent: npt.NDArray[np.float64], lo: int, hi: int
) -> npt.NDArray[np.float64]:
    raw = centre + latent + rng.normal(0.0, 0.7, latent.shape[0])
    return np.clip(np.rint(raw), lo, hi)


def generate(rows: int, seed: int = 20261123) -> Wave:
    """A realistic wave: answers driven by a general and a per-dimension latent factor
    (so alphas are ≈ 0.8 and drivers are correlated), a few percent missing, 2 %
    don't-know on perceptions, valid 100-point importance allocations, and group sizes
    that include one group too small to show (3 respondents) to exercise suppression."""
    rng = np.random.default_rng(seed)
    n = rows
    values = np.empty((n, len(CODES)), dtype=np.float64)
    col = {c: i for i, c in enumerate(CODES)}
    g = rng.normal(0.0, 1.0, n)
    item_shift = rng.uniform(-0.8, 0.2, 22)
    p_dims: list[npt.NDArray[np.float64]] = []
    for items in DIMENSIONS.values():
        f_e = 0.5 * g + 0.6 * rng.normal(0.0, 1.0, n)
        f_p = 0.7 * g + 0.6 * rng.normal(0.0, 1.0, n)
        p_dims.append(f_p)
        for i in items:
            values[:, col[f"e{i:02d}"]] = _likert(rng, 5.9, 0.8 * f_e, 1, 7)
            values[:, col[f"p{i:02d}"]] = _likert(rng, 5.3 + item_shift[i - 1], 0.9 * f_p, 1, 7)
    # importance: 100 points over five dimensions, integers, summing to exactly 100
    w = rng.dirichlet([2.0, 3.0, 2.5, 2.0, 2.2], n) * 100.0
    w = np.floor(w)
    w[:, 1] += 100.0 - w.sum(axis=1)
    values[:, [col[c] for c in W_CODES]] = w
    perf = sum(p_dims) / 5.0
    values[:, col[OVERALL]] = _likert(rng, 7.2, 1.1 * perf, 1, 10)
    for c in CVS_CODES:
        values[:, col[c]] = _likert(rng, 7.4, 1.4 * perf + 0.4 * g, 0, 10)
    for j, c in enumerate(GRADE_CODES):
        values[:, col[c]] = _likert(rng, 7.0 + 0.1 * j, 0.6 * perf + 0.5 * p_dims[j % 5], 1, 10)
    # missing at random: 2 % per cell; importance skipped as a block by 1 %
    values[rng.random((n, len(CODES))) < 0.02] = np.nan
    values[:, [col[c] for c in W_CODES]] = np.where((rng.random(n) < 0.01)[:, None], np.nan, w)
    dont_know = np.zeros_like(values, dtype=bool)
    p_idx = [col[c] for c in P_CODES]
    dk = rng.random((n, len(p_idx))) < 0.02
    dont_know[:, p_idx] = dk
    values[:, p_idx] = np.where(dk, np.nan, values[:, p_idx])
    chars: dict[str, npt.NDArray[np.str_]] = {}
    for name, skew in (("segment", 0.0), ("region", 1.0)):
        probs = np.arange(1, 11, dtype=np.float64) ** -skew
        probs /= probs.sum()
        idx = rng.choice(10, size=n, p=probs)
        labels = np.array([f"{name}_{k:02d}" for k in range(1, 11)])
        if name == "segment" and n > 100:
            idx[idx == 9] = 8
            idx[rng.choice(n, size=3, replace=False)] = 9  # a group below the minimum
        chars[name] = labels[idx]
    return Wave(values=values, dont_know=dont_know, characteristics=chars)


def wave_path(rows: int) -> Path:
    return DATA_DIR / f"wave-{rows}.npz"


def ensure_wave(rows: int) -> Path:
    """Generate the wave once and cache it (``benchmarks/.data`` is git-ignored)."""
    path = wave_path(rows)
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        wave = generate(rows)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, values=wave.values, dont_know=wave.dont_know, **wave.characteristics)
        tmp.replace(path)
    return path


def load_wave(path: Path) -> Wave:
    with np.load(path) as z:
        return Wave(
            values=z["values"],
            dont_know=z["dont_know"],
            characteristics={c: z[c] for c in CHARACTERISTICS},
        )


# ------------------------------------------------------------------------- variants
Sanity = dict[str, float]
Timing = tuple[float, float]
"""(wall seconds, CPU seconds of this process)."""


class Clock:
    """Wall and CPU time of a block; CPU time is what a shared, loaded machine distorts
    least (other processes' work does not count), wall time is what a user waits."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timing: Timing = (
            time.perf_counter() - self.wall0,
            time.process_time() - self.cpu0,
        )


def run_floor(wave: Wave) -> tuple[Timing, Sanity]:
    """One NumPy pass: mean and SD of every column."""
    with Clock() as clock:
        means = np.nanmean(wave.values, axis=0)
        sds = np.nanstd(wave.values, axis=0, ddof=1)
    return clock.timing, {
        "mean_p01": float(means[CODES.index("p01")]),
        "sd_p01": float(sds[CODES.index("p01")]),
    }


def _frame(wave: Wave) -> Any:
    import pandas as pd

    frame = pd.DataFrame(wave.values, columns=CODES, copy=False)
    for name, col in wave.characteristics.items():
        frame[name] = col
    return frame


def run_ours(wave: Wave, *, from_frame: bool) -> tuple[Timing, Sanity]:
    """``gapsight.analyze`` on the matrix (or, with ``from_frame``, on a DataFrame)."""
    import gapsight
    from gapsight.analysis.matrix import ResponseMatrix

    source: Any
    if from_frame:
        source = _frame(wave)
    else:
        source = ResponseMatrix(
            codes=tuple(CODES),
            values=wave.values,
            dont_know=wave.dont_know,
            characteristics=wave.characteristics,
        )
    with Clock() as clock:
        result = gapsight.analyze(
            source,
            ["servqual22", "kto"],
            by=CHARACTERISTICS,
            confidence=CONFIDENCE,
            min_group_size=MIN_GROUP,
        )
    return clock.timing, sanity_of(result)


def sanity_of(result: Any) -> Sanity:
    """The numbers the baseline also reports, read from our result objects."""
    sq = result.servqual
    item = sq.items[0]
    drivers = {d.name: d for d in result.drivers[0].drivers}
    return {
        "gap_01": item.gap,
        "t_01": item.test.t,
        "d_z_01": item.test.d_z,
        "p_holm_max": max(i.p_adjusted for i in sq.items),
        "overall_gap": sq.by_item_means.overall.gap,
        "respondent_overall_gap": sq.by_respondent.overall.gap,
        "weighted_gap": sq.weighted.gap,
        "alpha_p_all": result.reliability.scale("perception").alpha,
        "alpha_e_reliability": result.reliability.scale("expectation.reliability").alpha,
        "cvs": result.cvs.mean,
        "nps": result.nps.score,
        "driver_r_reliability": drivers["perception.reliability"].r,
        "lmg_reliability": drivers["perception.reliability"].lmg,
    }


def run_baseline(wave: Wave) -> tuple[Timing, Sanity]:
    """The straightforward pandas + pingouin + SciPy implementation."""
    import pandas as pd

    frame = _frame(wave)
    dk = pd.DataFrame(wave.dont_know, columns=CODES, copy=False)
    with Clock() as clock:
        out = baseline(frame, dk)
    return clock.timing, out


def baseline(df: Any, dk: Any) -> Sanity:
    """Every output of the full analysis, written the way an analyst would with pandas,
    pingouin, SciPy and statsmodels. Returns the sanity numbers."""
    import pandas as pd
    import pingouin as pg
    import statsmodels.api as sm
    from scipy import stats

    conf = CONFIDENCE
    items = CODES
    res: dict[str, Any] = {}

    # descriptives: n, mean, SD, min, max, distribution, don't-know count
    res["descriptives"] = df[items].agg(["count", "mean", "std", "min", "max"])
    res["distribution"] = {c: df[c].value_counts().sort_index() for c in items}
    res["dont_know"] = dk.sum()

    # SERVQUAL, mean of item means (plain and with item means rounded to 2 decimals)
    e_means = df[E_CODES].mean()
    p_means = df[P_CODES].mean()
    dims: dict[str, dict[str, float]] = {}
    for rounded in (False, True):
        em = e_means.round(2) if rounded else e_means
        pm = p_means.round(2) if rounded else p_means
        for d, nums in DIMENSIONS.items():
            e = float(np.mean([em[f"e{i:02d}"] for i in nums]))
            p = float(np.mean([pm[f"p{i:02d}"] for i in nums]))
            dims[f"{d}{'_r' if rounded else ''}"] = {"e": e, "p": p, "gap": p - e}
    overall_gap = float(np.mean([dims[d]["gap"] for d in DIMENSIONS]))

    # paired t-tests per item on complete pairs, d_z, CI, Holm and BH
    rows = []
    for i in range(1, 23):
        pair = df[[f"e{i:02d}", f"p{i:02d}"]].dropna()
        d = pair[f"p{i:02d}"] - pair[f"e{i:02d}"]
        t, p = stats.ttest_rel(pair[f"p{i:02d}"], pair[f"e{i:02d}"])
        n = len(d)
        sd = d.std(ddof=1)
        lo, hi = stats.t.interval(conf, n - 1, loc=d.mean(), scale=sd / math.sqrt(n))
        rows.append(
            {
                "gap": p_means[f"p{i:02d}"] - e_means[f"e{i:02d}"],
                "n": n,
                "t": t,
                "p": p,
                "d_z": d.mean() / sd,
                "ci": (lo, hi),
            }
        )
    tests = pd.DataFrame(rows)
    tests["p_holm"] = pg.multicomp(tests["p"].to_numpy(), method="holm")[1]
    tests["p_bh"] = pg.multicomp(tests["p"].to_numpy(), method="fdr_bh")[1]

    # respondent-level aggregation: per respondent the mean of a dimension's item gaps
    # (at least half of them valid), then averaged; one-sample t-test per dimension
    resp_gaps = {}
    for d, nums in DIMENSIONS.items():
        gaps = pd.DataFrame(
            {i: df[f"p{i:02d}"] - df[f"e{i:02d}"] for i in nums},
        )
        valid = gaps.notna().mean(axis=1) >= MIN_VALID_SHARE
        resp_gaps[d] = gaps.mean(axis=1).where(valid)
        stats.ttest_1samp(resp_gaps[d].dropna(), 0.0)
    rg = pd.DataFrame(resp_gaps)
    resp_overall = float(rg.mean().mean())
    for part in ("e", "p"):
        for nums in DIMENSIONS.values():
            sub = df[[f"{part}{i:02d}" for i in nums]]
            sub.mean(axis=1).where(sub.notna().mean(axis=1) >= MIN_VALID_SHARE).mean()

    # weighted SERVQUAL: w_d = points / 100 on complete, valid allocations
    w = df[W_CODES]
    ok = w.notna().all(axis=1) & (w.sum(axis=1) == 100)
    prod = pd.DataFrame(rg.to_numpy() * (w.to_numpy() / 100.0))
    sqw = prod.sum(axis=1).where(ok & rg.notna().all(axis=1))
    weighted_gap = float(sqw.mean())

    # SERVPERF: perceptions only
    float(np.mean([p_means[[f"p{i:02d}" for i in nums]].mean() for nums in DIMENSIONS.values()]))

    # reliability: E and P per dimension and both full scales, listwise
    scales = {
        f"{part}_{d}": [f"{part}{i:02d}" for i in nums]
        for part in "ep"
        for d, nums in DIMENSIONS.items()
    }
    scales["e_all"] = E_CODES
    scales["p_all"] = P_CODES
    alphas = {}
    for name, codes in scales.items():
        data = df[codes].dropna()
        alpha, _ci = pg.cronbach_alpha(data, ci=conf)
        corr = data.corr().to_numpy()
        k = len(codes)
        rbar = (corr.sum() - k) / (k * (k - 1))
        k * rbar / (1 + (k - 1) * rbar)
        total = data.sum(axis=1)
        for c in codes:
            pg.cronbach_alpha(data.drop(columns=c))
            data[c].corr(total - data[c])
        alphas[name] = alpha

    # CVS: respondent mean of all three, then mean with t CI; mean of each part
    cv = df[CVS_CODES]
    cvs = cv.mean(axis=1).where(cv.notna().all(axis=1)).dropna()
    stats.t.interval(conf, len(cvs) - 1, loc=cvs.mean(), scale=cvs.std() / math.sqrt(len(cvs)))
    cv.mean()

    # NPS with adjusted-Wald CI
    def nps(r: Any) -> float:
        r = r.dropna()
        n = len(r)
        prom = int((r >= 9).sum())
        det = int((r <= 6).sum())
        score = 100.0 * (prom - det) / n if n else math.nan
        pa, da, na = (prom + 0.75), (det + 0.75), n + 3
        diff = (pa - da) / na
        var = pa / na + da / na - diff**2
        z = stats.norm.ppf(0.5 + conf / 2)
        max(-100.0, 100 * (diff - z * math.sqrt(var / na)))
        min(100.0, 100 * (diff + z * math.sqrt(var / na)))
        return score

    nps_score = nps(df["cvs_recommend"])

    # grades: mean, SD, n, CI, distribution, share >= 7 and <= 5
    for c in [*GRADE_CODES, OVERALL]:
        g = df[c].dropna()
        stats.t.interval(conf, len(g) - 1, loc=g.mean(), scale=g.std() / math.sqrt(len(g)))
        g.value_counts().sort_index()
        (g >= 7).mean()
        (g <= 5).mean()

    # breakdowns by each characteristic: the same statistics per group, groups under
    # the minimum size suppressed together with the next smallest (complementary)
    for by in CHARACTERISTICS:
        grouped = df.groupby(by, observed=True)
        table = grouped[items].agg(["count", "mean", "std"])
        cvs_by = (
            pd.Series(cvs, index=cvs.index)
            .groupby(df.loc[cvs.index, by])
            .agg(["count", "mean", "std"])
        )
        nps_by = grouped["cvs_recommend"].apply(nps)
        sizes = grouped.size()
        small = sizes[sizes < MIN_GROUP].index
        if len(small):
            hide = list(small)
            if len(small) == 1:
                hide.append(sizes.drop(small).idxmin())
            table.loc[hide] = np.nan
            cvs_by.loc[cvs_by.index.isin(hide)] = np.nan
            nps_by.loc[nps_by.index.isin(hide)] = np.nan

    # key drivers: dimension perception scores -> overall grade; Pearson r and LMG
    p_dim = pd.DataFrame(
        {
            d: df[[f"p{i:02d}" for i in nums]]
            .mean(axis=1)
            .where(df[[f"p{i:02d}" for i in nums]].notna().mean(axis=1) >= MIN_VALID_SHARE)
            for d, nums in DIMENSIONS.items()
        }
    )
    data = pd.concat([p_dim, df[OVERALL]], axis=1).dropna()
    r = data[list(DIMENSIONS)].corrwith(data[OVERALL])
    y = data[OVERALL].to_numpy()
    names = list(DIMENSIONS)
    r2: dict[frozenset[str], float] = {frozenset(): 0.0}
    for size in range(1, len(names) + 1):
        for combo in itertools.combinations(names, size):
            x = sm.add_constant(data[list(combo)].to_numpy())
            r2[frozenset(combo)] = sm.OLS(y, x).fit().rsquared
    lmg = {}
    k = len(names)
    for d in names:
        others = [o for o in names if o != d]
        total = 0.0
        for size in range(k):
            for combo in itertools.combinations(others, size):
                s = frozenset(combo)
                wgt = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
                total += wgt * (r2[s | {d}] - r2[s])
        lmg[d] = total

    t01 = rows[0]
    return {
        "gap_01": float(t01["gap"]),
        "t_01": float(t01["t"]),
        "d_z_01": float(t01["d_z"]),
        "p_holm_max": float(tests["p_holm"].max()),
        "overall_gap": overall_gap,
        "respondent_overall_gap": resp_overall,
        "weighted_gap": weighted_gap,
        "alpha_p_all": float(alphas["p_all"]),
        "alpha_e_reliability": float(alphas["e_reliability"]),
        "cvs": float(cvs.mean()),
        "nps": float(nps_score),
        "driver_r_reliability": float(r["reliability"]),
        "lmg_reliability": float(lmg["reliability"]),
    }


VARIANTS: dict[str, Callable[[Wave], tuple[Timing, Sanity]]] = {
    "ours": lambda w: run_ours(w, from_frame=False),
    "ours-df": lambda w: run_ours(w, from_frame=True),
    "baseline": run_baseline,
    "floor": run_floor,
}


def child(variant: str, path: Path, repeat: int = 1) -> None:
    """Run one variant ``repeat`` times in this process and print one JSON line with the
    fastest time (the least disturbed by other work on a shared machine)."""
    wave = load_wave(path)
    # import the libraries before the clock starts, as a long-lived process would have
    if variant != "floor":
        import pandas  # noqa: F401
        import scipy.stats  # noqa: F401
    if variant == "baseline":
        import pingouin  # noqa: F401
        import statsmodels.api  # noqa: F401
    if variant.startswith("ours"):
        import gapsight  # noqa: F401
    runs = [VARIANTS[variant](wave) for _ in range(max(1, repeat))]
    wall = min(r[0][0] for r in runs)
    cpu = min(r[0][1] for r in runs)
    sanity = runs[0][1]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": wall, "cpu": cpu, "peak_mb": peak_kib / 1024.0, "sanity": sanity}))


# --------------------------------------------------------------------------- parent
def machine() -> dict[str, str]:
    """nproc, CPU model, RAM and load, for the record."""

    def sh(cmd: str) -> str:
        try:
            return subprocess.run(
                cmd, shell=True, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return "?"

    model = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
    ram = sh("free -g | awk '/^Mem:/ {print $2 \" GiB\"}'")
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model or platform.processor() or "?",
        "ram": ram,
        "uptime": sh("uptime"),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def run_variant(variant: str, path: Path, repeat: int = 1) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            variant,
            "--data",
            str(path),
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def compare(ours: Sanity, base: Sanity) -> list[tuple[str, float, float, bool]]:
    rows = []
    for key, b in base.items():
        if key not in ours:
            continue
        o = ours[key]
        ok = math.isclose(o, b, rel_tol=1e-6, abs_tol=1e-9)
        rows.append((key, o, b, ok))
    return rows


def report(
    rows: int, results: dict[str, dict[str, Any]], info: dict[str, str], repeat: int = 1
) -> str:
    """The Markdown section for RESULTS.md (also printed)."""

    def get(name: str, key: str) -> float | None:
        value = results.get(name, {}).get(key)
        return float(value) if value is not None else None

    lines = [
        SECTION,
        "",
        f"`{Path(sys.executable).parent.parent.name}/bin/python benchmarks/analysis.py "
        f"--rows {rows} --repeat {repeat}` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" (fastest of {repeat} run(s) per variant, each variant in its own process)",
        "",
        f"What is timed, on one generated wave of {rows:,} respondents × {len(CODES)} "
        "items (SERVQUAL-22 E and P with importance points and the overall grade, the "
        "3 CVS questions, 7 KTO grades; 2 characteristics with 10 groups each, one group "
        "of 3 that must be suppressed; 2 % missing, 2 % don't know): **ours** = "
        "`gapsight.analyze(matrix, ['servqual22', 'kto'], by=('segment', 'region'))` — "
        "descriptives with distributions, SERVQUAL in both aggregations with 22 paired "
        "t-tests, Holm, per-dimension tests, weighted SERVQUAL, SERVPERF, alpha with "
        "alpha-if-deleted and item-rest r for 12 scales, CVS, NPS, 8 grades, 2 key-driver "
        "analyses (Pearson r + LMG), importance-performance, breakdowns of 60 items and "
        "12 derived scores by both characteristics with suppression; **ours-df** = the "
        "same from a pandas DataFrame (adds the checked conversion); **baseline** = the "
        "same outputs written plainly with pandas + pingouin + SciPy + statsmodels "
        "(`baseline()` in the script); **floor** = `np.nanmean` + `np.nanstd` of every "
        "column. Loading the cached wave and importing libraries are not timed.",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"Python {info['python']}, NumPy {info['numpy']}. Load at start: "
        f"`{info['uptime']}`; at the end: `{info.get('uptime_end', '?')}` (the machine is "
        "shared: a load above 2 inflates wall times; CPU time counts this process only).",
        "",
        "| variant | wall s | CPU s | CPU × floor | baseline ÷ variant (CPU) | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    floor, base = get("floor", "cpu"), get("baseline", "cpu")
    for name, r in results.items():
        if "error" in r:
            lines.append(f"| {name} | failed: {r['error']} | | | | |")
            continue
        cpu = float(r["cpu"])
        xf = f"{cpu / floor:.1f}" if floor else "–"
        xb = f"{base / cpu:.1f}" if base else "–"
        lines.append(
            f"| {name} | {r['seconds']:.2f} | {cpu:.2f} | {xf} | {xb} | {r['peak_mb']:.0f} |"
        )
    ours = results.get("ours", {})
    if "cpu" in ours and base and floor:
        speed = base / ours["cpu"]
        of_floor = ours["cpu"] / floor
        wall_speed = (get("baseline", "seconds") or 0.0) / ours["seconds"]
        wall_floor = ours["seconds"] / (get("floor", "seconds") or math.inf)
        lines += [
            "",
            f"Targets (CPU time): ≥ 5× faster than the baseline — {speed:.1f}× "
            f"({'met' if speed >= 5 else 'MISSED'}); within 20× of the floor — "
            f"{of_floor:.1f}× ({'met' if of_floor <= 20 else 'MISSED'}); peak < 2 GB — "
            f"{ours['peak_mb']:.0f} MB ({'met' if ours['peak_mb'] < 2048 else 'MISSED'}). "
            f"By wall time: {wall_speed:.1f}× the baseline, {wall_floor:.1f}× the floor.",
        ]
    if "sanity" in ours and "sanity" in results.get("baseline", {}):
        checks = compare(ours["sanity"], results["baseline"]["sanity"])
        bad = [c for c in checks if not c[3]]
        lines += [
            "",
            f"Sanity: ours and the baseline agree on {len(checks) - len(bad)} of "
            f"{len(checks)} numbers (relative tolerance 1e-6)"
            + (
                "."
                if not bad
                else "; differ: " + ", ".join(f"{k} {o:.6g} vs {b:.6g}" for k, o, b, _ in bad)
            ),
        ]
    return "\n".join(lines) + "\n"


def record(path: Path, section: str) -> None:
    """Replace (or append) only this benchmark's section of RESULTS.md."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmark results\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        rest = "" if end == -1 else "\n" + text[end + 1 :]
        text = text[:start] + section + rest
    path.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="respondents in the wave")
    parser.add_argument(
        "--variants", default="ours,ours-df,baseline,floor", help="comma-separated variants"
    )
    parser.add_argument("--record", type=Path, help="write the section into this RESULTS.md")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per variant; the fastest is reported"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data, args.repeat)
        return 0
    info = machine()
    t0 = time.perf_counter()
    path = ensure_wave(args.rows)
    print(
        f"wave: {args.rows:,} respondents × {len(CODES)} items ({path}, "
        f"{time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    results: dict[str, dict[str, Any]] = {}
    for variant in args.variants.split(","):
        results[variant] = run_variant(variant, path, args.repeat)
        print(f"  {variant}: {results[variant]}", flush=True)
    info["uptime_end"] = machine()["uptime"]
    section = report(args.rows, results, info, args.repeat)
    print()
    print(section)
    if args.record:
        record(args.record, section)
        print(f"recorded in {args.record}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
