"""Reliability, paired t-tests and descriptives against GNU PSPP (Debian package ``pspp``).

Source of every expected number: GNU PSPP's ``RELIABILITY /MODEL=ALPHA /SUMMARY=TOTAL``,
``T-TEST PAIRS=… WITH … (PAIRED)``, ``DESCRIPTIVES`` and ``FREQUENCIES`` run on the same
seeded data with missing values, output as CSV with 10 decimals (``SET FORMAT=F20.10``).

PSPP's RELIABILITY drops a case missing on *any* variable named in ``/VARIABLES``
(``analysis.md`` pitfalls), so each scale gets its own RELIABILITY command naming only
its items: that is exactly our listwise rule per scale.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.reliability import cronbach_alpha, servqual_reliability
from gapsight.analysis.servqual import Pair, ServqualLayout, servqual

pytestmark = pytest.mark.pspp

DIMS = ("tangibles",) * 4 + ("reliability",) * 5
LAYOUT = ServqualLayout(
    tuple(Pair(f"{i:02d}", d, f"e{i:02d}", f"p{i:02d}") for i, d in enumerate(DIMS, 1))
)
CODES = [*LAYOUT.expectation_codes(), *LAYOUT.perception_codes()]


def _require_pspp() -> str:
    exe = shutil.which("pspp")
    if exe is None:
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail("GNU PSPP is required (GAPSIGHT_REQUIRE_ALL is set) but not installed")
        pytest.skip("GNU PSPP not installed (Debian package pspp)")
    return exe


def _wave(seed: int = 7, n: int = 90) -> ResponseMatrix:
    """Correlated 1–7 answers, ~6 % missing, 3 % don't know on perceptions."""
    rng = np.random.default_rng(seed)
    g = rng.normal(0, 1, n)
    cols = {}
    for i, _ in enumerate(DIMS, 1):
        cols[f"e{i:02d}"] = np.clip(np.rint(5.8 + 0.8 * g + rng.normal(0, 0.9, n)), 1, 7)
    for i, _ in enumerate(DIMS, 1):
        cols[f"p{i:02d}"] = np.clip(np.rint(4.9 + 1.0 * g + rng.normal(0, 1.0, n)), 1, 7)
    values = np.column_stack([cols[c] for c in CODES])
    values[rng.random(values.shape) < 0.06] = np.nan
    dk = np.zeros(values.shape, dtype=bool)
    dk[:, len(DIMS) :] = rng.random((n, len(DIMS))) < 0.03
    values[dk] = np.nan
    return ResponseMatrix(codes=tuple(CODES), values=values, dont_know=dk)


def _run_pspp(tmp_path: Path, matrix: ResponseMatrix, commands: list[str]) -> list[list[str]]:
    exe = _require_pspp()
    data = tmp_path / "data.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        for row in matrix.values:
            w.writerow(["" if np.isnan(v) else f"{int(v)}" for v in row])
    variables = " ".join(f"{c} F8.0" for c in matrix.codes)
    syntax = tmp_path / "run.sps"
    syntax.write_text(
        "SET FORMAT=F20.10.\n"
        "OUTPUT MODIFY /SELECT TABLES /TABLECELLS SELECT=[SIGNIFICANCE] FORMAT=F20.12.\n"
        f"GET DATA /TYPE=TXT /FILE='{data}' /DELIMITERS=',' /ARRANGEMENT=DELIMITED\n"
        f"  /FIRSTCASE=1 /VARIABLES={variables}.\n" + "\n".join(commands) + "\n"
    )
    out = tmp_path / "out.csv"
    proc = subprocess.run(
        [exe, "-O", "format=csv", "-o", str(out), str(syntax)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in proc.stdout.lower(), proc.stdout
    with out.open(newline="") as fh:
        return list(csv.reader(fh))


def _tables(rows: list[list[str]], title: str) -> list[list[list[str]]]:
    """Every table called ``title``: its rows up to the next blank line."""
    found = []
    for i, row in enumerate(rows):
        if row and row[0] == f"Table: {title}":
            body = []
            for r in rows[i + 1 :]:
                if not r or r[0].startswith("Table:"):
                    break
                body.append(r)
            found.append(body)
    return found


def _num(text: str) -> float:
    return float(text.replace(",", "")) if text not in ("", ".") else float("nan")


def test_alpha_item_statistics_and_n_match_pspp_per_scale(tmp_path: Path) -> None:
    m = _wave()
    table = servqual_reliability(m, LAYOUT)  # listwise per scale, like PSPP per command
    scales = table.scales
    commands = [
        f"RELIABILITY /VARIABLES={' '.join(s.codes)} /MODEL=ALPHA /SUMMARY=TOTAL." for s in scales
    ]
    rows = _run_pspp(tmp_path, m, commands)
    summaries = _tables(rows, "Reliability Statistics")
    item_tables = _tables(rows, "Item-Total Statistics")
    cases = _tables(rows, "Case Processing Summary")
    assert len(summaries) == len(scales) == len(item_tables) == len(cases)
    for rel, summ, items, case in zip(scales, summaries, item_tables, cases, strict=True):
        assert _num(summ[1][0]) == pytest.approx(rel.alpha, abs=1e-9), rel.scale
        valid = next(r for r in case if r[0] == "Valid")
        assert int(_num(valid[1])) == rel.n
        excluded = next(r for r in case if r[0] == "Excluded")
        assert int(_num(excluded[1])) == rel.n_excluded
        by_code = {r[0]: r for r in items[1:]}
        for it in rel.items:
            pspp_row = by_code[it.code]
            assert _num(pspp_row[3]) == pytest.approx(it.item_rest_r, abs=1e-9), it.code
            assert _num(pspp_row[4]) == pytest.approx(it.alpha_if_deleted, abs=1e-9), it.code


def test_single_scale_alpha_matches_pspp_with_more_missing(tmp_path: Path) -> None:
    m = _wave(seed=11, n=40)
    codes = list(LAYOUT.perception_codes("reliability"))
    rel = cronbach_alpha(m, codes)
    rows = _run_pspp(
        tmp_path, m, [f"RELIABILITY /VARIABLES={' '.join(codes)} /MODEL=ALPHA /SUMMARY=TOTAL."]
    )
    assert _num(_tables(rows, "Reliability Statistics")[0][1][0]) == pytest.approx(
        rel.alpha, abs=1e-9
    )
    assert rel.n < m.n  # listwise deletion really happened in this sample


@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_paired_t_tests_match_pspp(tmp_path: Path, confidence: float) -> None:
    m = _wave()
    res = servqual(m, LAYOUT, confidence=confidence)
    ps = " ".join(LAYOUT.perception_codes())
    es = " ".join(LAYOUT.expectation_codes())
    rows = _run_pspp(
        tmp_path,
        m,
        [f"T-TEST PAIRS={ps} WITH {es} (PAIRED) /CRITERIA=CI({confidence:.2f})."],
    )
    test_rows = _tables(rows, "Paired Samples Test")[0][3:]  # 3 header rows
    stats_rows = _tables(rows, "Paired Sample Statistics")[0][1:]
    assert len(test_rows) == len(res.items)
    for item, row in zip(res.items, test_rows, strict=True):
        assert row[1] == f"{item.perception_code} - {item.expectation_code}"
        mean, sd, _se, lo, hi, t, df, p = map(_num, row[2:10])
        tt = item.test
        assert mean == pytest.approx(tt.mean, abs=1e-9)
        assert sd == pytest.approx(tt.sd, abs=1e-9)
        assert lo == pytest.approx(tt.ci_low, abs=1e-9)
        assert hi == pytest.approx(tt.ci_high, abs=1e-9)
        assert t == pytest.approx(tt.t, abs=1e-8)
        assert df == tt.df
        assert p == pytest.approx(tt.p, abs=1e-11)
    # N per pair (complete pairs) from the paired-statistics table: 2 rows per pair
    for j, item in enumerate(res.items):
        assert int(_num(stats_rows[2 * j][2])) == item.n_pairs


def test_descriptives_and_distributions_match_pspp(tmp_path: Path) -> None:
    from gapsight.analysis.descriptives import describe

    m = _wave(seed=13, n=70)
    codes = ["e01", "e05", "p02", "p09"]
    res = describe(m, codes, scales={c: (1, 7) for c in codes})
    rows = _run_pspp(
        tmp_path,
        m,
        [
            f"DESCRIPTIVES /VARIABLES={' '.join(codes)} /STATISTICS=MEAN STDDEV MIN MAX.",
            f"FREQUENCIES /VARIABLES={' '.join(codes)}.",
        ],
    )
    desc = {r[0]: r for r in _tables(rows, "Descriptive Statistics")[0][1:]}
    for code in codes:
        d = res.item(code)
        n, mean, sd, lo, hi = map(_num, desc[code][1:6])
        assert (int(n), lo, hi) == (d.n, d.min, d.max)
        assert mean == pytest.approx(d.mean, abs=1e-9)
        assert sd == pytest.approx(d.sd, abs=1e-9)
        freq = {}
        for r in _tables(rows, code)[0][1:]:
            if r[0] in ("Missing", "Total"):
                break
            freq[int(_num(r[1]))] = int(_num(r[2]))
        assert {v: c for v, c in (d.distribution or {}).items() if c} == freq
        assert d.missing == m.n - sum(freq.values())
