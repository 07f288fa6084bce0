"""CSV read and validate (issue 3): gapsight's import vs a plain ``pandas.read_csv``.

Generates (once, cached in the temp directory) a CSV of 1,000,000 respondents × 50
items on a 1–7 agreement scale with don't-know (code 8) on every item and ~2 % empty
cells, then times, alternating and repeated:

- the baseline: ``pandas.read_csv(path)`` with default options;
- ``gapsight.io.read_responses(path, instrument)``: read + every value validated,
  into a ``ResponseTable`` (without and with a progress callback).

The import target in issue 3 is the *whole* import (this plus the database write)
within 5× the baseline. Run::

    .venv/bin/python benchmarks/io_read.py            # 1M × 50, 3 repeats
    .venv/bin/python benchmarks/io_read.py --rows 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gapsight.instruments import parse_yaml
from gapsight.instruments.model import Instrument
from gapsight.io import read_responses


def instrument(k: int) -> Instrument:
    """An instrument of ``k`` items ``q00``… on a 1–7 scale with don't know."""
    items = "\n".join(
        f"      - {{code: q{i:02d}, text: {{en: Item {i}}}, scale: agree7, dont_know: true}}"
        for i in range(k)
    )
    return parse_yaml(
        f"""
id: bench
languages: [en]
title: {{en: Benchmark}}
scales:
  - {{id: agree7, kind: agreement, min: 1, max: 7}}
sections:
  - id: all
    title: {{en: All}}
    items:
{items}
"""
    )


def generate(path: Path, n: int, k: int, seed: int = 1) -> None:
    """Write the benchmark CSV (values 1–7, 1 % don't know = 8, 2 % empty)."""
    rng = np.random.default_rng(seed)
    header = ",".join(f"q{i:02d}" for i in range(k)) + "\n"
    with path.open("w") as f:
        f.write(header)
        for start in range(0, n, 100_000):
            m = min(100_000, n - start)
            values = rng.integers(1, 8, size=(m, k)).astype("U1")
            u = rng.random((m, k))
            values[u < 0.01] = "8"
            values[(u >= 0.01) & (u < 0.03)] = ""
            f.write("\n".join(",".join(row) for row in values) + "\n")


_cpu: list[float] = []


def timed(fn: object) -> float:
    """Wall-clock seconds of ``fn()``; its CPU seconds (all threads) go to ``_cpu``."""
    cpu = time.process_time()
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    wall = time.perf_counter() - start
    _cpu.append(time.process_time() - cpu)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"gapsight-bench-{args.rows}x{args.items}.csv"
    if not path.exists():
        print(f"generating {path} …", flush=True)
        generate(path, args.rows, args.items)
    ins = instrument(args.items)
    load_before = os.getloadavg()
    steps: list[tuple[int, int]] = []
    baseline, ours, ours_progress = [], [], []
    cpu_baseline, cpu_ours = [], []
    for _ in range(args.repeat):
        baseline.append(timed(lambda: pd.read_csv(path)))
        cpu_baseline.append(_cpu[-1])
        ours.append(timed(lambda: read_responses(path, ins)))
        cpu_ours.append(_cpu[-1])
        steps.clear()
        ours_progress.append(
            timed(lambda: read_responses(path, ins, progress=lambda d, t: steps.append((d, t))))
        )
    load_after = os.getloadavg()
    table = read_responses(path, ins)
    size = path.stat().st_size / 1e6
    print(
        f"file: {path} ({size:.0f} MB, {table.n:,} respondents × {len(table.matrix.codes)} items)"
    )
    print(f"don't know cells: {int(table.matrix.dont_know.sum()):,}")  # type: ignore[union-attr]
    print(_machine(load_before, load_after))
    b, o, p = (statistics.median(x) for x in (baseline, ours, ours_progress))
    print(f"pandas.read_csv (baseline)          median {b:6.2f} s  runs {_fmt(baseline)}")
    print(
        f"read_responses (read + validate)    median {o:6.2f} s  runs {_fmt(ours)}  = {o / b:.2f}×"
    )
    print(
        f"read_responses with progress        median {p:6.2f} s  runs {_fmt(ours_progress)}  "
        f"= {p / b:.2f}× ({len(steps)} progress calls)"
    )
    cb, co = statistics.median(cpu_baseline), statistics.median(cpu_ours)
    print(
        f"CPU time (all threads), median      pandas {cb:.2f} s, read_responses {co:.2f} s "
        f"= {co / cb:.2f}×"
    )


def _machine(before: tuple[float, ...], after: tuple[float, ...]) -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"machine: {os.cpu_count()} CPUs {model}, Python {platform.python_version()}, "
        f"load average (1 min) {before[0]:.2f} before, {after[0]:.2f} after"
    )


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
