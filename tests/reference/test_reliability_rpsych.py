"""Cronbach's alpha against R psych (Debian packages ``r-base-core r-cran-psych``).

Source of every expected number: ``psych::alpha(x)`` run by ``Rscript`` on the same
seeded data. psych uses pairwise covariances by default (``use = "pairwise"``), so with
missing values it is compared with our ``missing="pairwise"`` option; on complete data
its raw and standardized alpha must equal our listwise (default) results.

psych's Feldt interval uses all rows (the pitfall ``analysis.md`` tells us not to copy),
so it is compared only on complete data, where all rows are the cases used; the
n-used rule itself is checked in ``tests/unit/analysis/test_reliability.py``.
"""

from __future__ import annotations

import csv
import functools
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.analysis.reliability import cronbach_alpha

pytestmark = pytest.mark.rpsych

SCRIPT = r"""
suppressPackageStartupMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])
a <- psych::alpha(x, warnings = FALSE, check.keys = FALSE)
out <- data.frame(item = rownames(a$alpha.drop),
                  raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
                  drop_alpha = a$alpha.drop$raw_alpha, r_drop = a$item.stats$r.drop,
                  feldt_low = a$feldt$lower.ci$raw_alpha, feldt_high = a$feldt$upper.ci$raw_alpha)
write.csv(out, args[2], row.names = FALSE)
"""


@functools.cache
def _has_psych(exe: str) -> bool:
    proc = subprocess.run([exe, "-e", "library(psych)"], capture_output=True, timeout=60)
    return proc.returncode == 0


def _require_r() -> str:
    exe = shutil.which("Rscript")
    if exe is None or not _has_psych(exe):
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail("R with psych is required (GAPSIGHT_REQUIRE_ALL is set) but missing")
        pytest.skip("Rscript or R package psych not installed (r-base-core r-cran-psych)")
    return exe


def _data(seed: int, n: int, k: int, missing: float) -> ResponseMatrix:
    rng = np.random.default_rng(seed)
    g = rng.normal(0, 1, n)
    x = np.clip(np.rint(4 + 0.9 * g[:, None] + rng.normal(0, 1, (n, k))), 1, 7)
    x[rng.random(x.shape) < missing] = np.nan
    return ResponseMatrix(codes=tuple(f"i{j + 1}" for j in range(k)), values=x)


def _psych(tmp_path: Path, m: ResponseMatrix) -> list[dict[str, str]]:
    exe = _require_r()
    data, out, script = tmp_path / "x.csv", tmp_path / "out.csv", tmp_path / "alpha.R"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(m.codes)
        for row in m.values:
            w.writerow(["NA" if np.isnan(v) else f"{int(v)}" for v in row])
    script.write_text(SCRIPT)
    proc = subprocess.run(
        [exe, str(script), str(data), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with out.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_pairwise_alpha_matches_psych_with_missing_values(tmp_path: Path) -> None:
    m = _data(seed=3, n=120, k=6, missing=0.08)
    rows = _psych(tmp_path, m)
    rel = cronbach_alpha(m, m.codes, missing="pairwise")
    assert rel.missing == "pairwise" and "psych" in rel.missing_label
    assert float(rows[0]["raw_alpha"]) == pytest.approx(rel.alpha, abs=1e-10)
    assert float(rows[0]["std_alpha"]) == pytest.approx(rel.standardized_alpha, abs=1e-10)
    for row, item in zip(rows, rel.items, strict=True):
        assert row["item"] == item.code
        assert float(row["drop_alpha"]) == pytest.approx(item.alpha_if_deleted, abs=1e-10)
        assert float(row["r_drop"]) == pytest.approx(item.item_rest_r, abs=1e-10)
    # and listwise really differs here (so the comparison above is not vacuous)
    assert cronbach_alpha(m, m.codes).alpha != pytest.approx(rel.alpha, abs=1e-6)


def test_listwise_alpha_matches_psych_on_complete_data(tmp_path: Path) -> None:
    m = _data(seed=5, n=75, k=5, missing=0.0)
    rows = _psych(tmp_path, m)
    rel = cronbach_alpha(m, m.codes)
    assert rel.n == 75
    assert float(rows[0]["raw_alpha"]) == pytest.approx(rel.alpha, abs=1e-10)
    assert float(rows[0]["feldt_low"]) == pytest.approx(rel.ci_low, abs=1e-10)
    assert float(rows[0]["feldt_high"]) == pytest.approx(rel.ci_high, abs=1e-10)
    assert float(rows[0]["std_alpha"]) == pytest.approx(rel.standardized_alpha, abs=1e-10)
    for row, item in zip(rows, rel.items, strict=True):
        assert float(row["drop_alpha"]) == pytest.approx(item.alpha_if_deleted, abs=1e-10)
        assert float(row["r_drop"]) == pytest.approx(item.item_rest_r, abs=1e-10)
