"""Import into the database and load a wave back (issue 3), against plain baselines.

Generates (once, cached in the temp directory) a CSV of N respondents × K items on a
1–7 agreement scale with don't know (code 8, ~1 %) and ~2 % empty cells, then times:

1. ``pandas.read_csv`` of the file — the import baseline;
2. ``gapsight.services.imports.import_responses`` into a fresh SQLite database, end to
   end (read, validate, encode, insert, commit) — target: within 5× of (1);
3. ``gapsight.services.responses.load_wave`` — the whole wave into a float64
   respondents × items matrix — target: within 2× of (4);
4. reading the same matrix from a Parquet file (``pandas.read_parquet`` →
   ``to_numpy``) — the load baseline.

It also times the import with the queryable ``answers`` JSON column left out
(an empty ``{}`` instead; measured in the same run) so the cost of queryability is
visible. Run::

    .venv/bin/python benchmarks/import_load.py                  # 1,000,000 × 50
    .venv/bin/python benchmarks/import_load.py --rows 100000 --items 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gapsight.config import Settings
from gapsight.instruments import parse_yaml
from gapsight.instruments.model import Instrument
from gapsight.io import read_responses
from gapsight.services.imports import import_responses
from gapsight.services.instruments import register
from gapsight.services.organisations import create_organisation
from gapsight.services.responses import load_wave
from gapsight.services.studies import create_study
from gapsight.store import answers
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.migrate import upgrade


def instrument(k: int) -> Instrument:
    """A ``k``-item instrument ``q00``… on a 1–7 agreement scale with don't know."""
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


def generate(path: Path, n: int, k: int, seed: int = 3) -> None:
    """Write the CSV: values 1–7, ~1 % don't know (8), ~2 % empty."""
    rng = np.random.default_rng(seed)
    with path.open("w") as f:
        f.write(",".join(f"q{i:02d}" for i in range(k)) + "\n")
        for start in range(0, n, 100_000):
            m = min(100_000, n - start)
            values = rng.integers(1, 8, size=(m, k)).astype("U1")
            u = rng.random((m, k))
            values[u < 0.01] = "8"
            values[(u >= 0.01) & (u < 0.03)] = ""
            f.write("\n".join(",".join(row) for row in values) + "\n")


CPU: dict[float, float] = {}
"""Wall-clock seconds of each timed call → CPU seconds of this process (all threads)."""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """``(wall seconds, result)``; the CPU seconds are kept in :data:`CPU`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall = time.perf_counter() - start
    CPU[wall] = time.process_time() - cpu
    return wall, result


def fresh_wave(directory: Path, ins: Instrument, url: str = "") -> tuple[Settings, int]:
    """A migrated database (a fresh SQLite file, or ``url``) with a new study on ``ins``."""
    directory.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{directory / 'gapsight.db'}{suffix}").unlink(missing_ok=True)
    settings = Settings(data_dir=directory, database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    with unit_of_work(engine) as session:
        org = create_organisation(session, "Bench")
        version = register(session, ins)
        study = create_study(
            session, organisation_id=org.id, name="bench", kind="customer", instrument=version.id
        )
        wave_id = study.id
    engine.dispose()
    return settings, wave_id


def import_once(
    directory: Path, ins: Instrument, csv: Path, url: str = ""
) -> tuple[float, Settings, int]:
    settings, wave_id = fresh_wave(directory, ins, url)
    engine = make_engine(settings)

    def run() -> None:
        with unit_of_work(engine) as session:
            import_responses(session, wave_id, csv)

    seconds, _ = timed(run)
    engine.dispose()
    return seconds, settings, wave_id


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the fast steps")
    parser.add_argument(
        "--database-url",
        default="",
        help="run against this database (e.g. PostgreSQL) instead of a fresh SQLite file; "
        "each run adds a new study",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.gettempdir())
    csv = tmp / f"gapsight-import-{args.rows}x{args.items}.csv"
    if not csv.exists():
        print(f"generating {csv} …", flush=True)
        generate(csv, args.rows, args.items)
    ins = instrument(args.items)
    work = Path(tempfile.mkdtemp(prefix="gapsight-bench-"))

    read_csv = [timed(lambda: pd.read_csv(csv))[0] for _ in range(args.repeat)]
    read_validate = timed(lambda: read_responses(csv, ins))[0]
    # The trade-off variant: the same import with an empty answers JSON ("{}").
    real_json = answers._answers_json
    answers._answers_json = lambda codes, values, mask: ["{}"] * values.shape[0]  # type: ignore[assignment]
    try:
        no_json, _, _ = import_once(work / "nojson", ins, csv, args.database_url)
    finally:
        answers._answers_json = real_json  # type: ignore[assignment]
    full, settings, wave_id = import_once(work / "full", ins, csv, args.database_url)
    db_size = sum(p.stat().st_size for p in (work / "full").glob("gapsight.db*"))

    engine = make_engine(settings)
    loads = []
    wave = None
    for _ in range(args.repeat):
        seconds, wave = timed(lambda: load_wave(engine, wave_id))
        loads.append(seconds)
    engine.dispose()
    assert wave is not None
    parquet = work / "matrix.parquet"
    wave.matrix.to_frame().to_parquet(parquet)
    pq_reads = [
        timed(lambda: pd.read_parquet(parquet).to_numpy(dtype=np.float64))[0]
        for _ in range(args.repeat)
    ]
    check = pd.read_parquet(parquet).to_numpy(dtype=np.float64)
    if not np.array_equal(check, wave.matrix.values, equal_nan=True):
        raise SystemExit("the loaded matrix differs from the Parquet copy")

    base, load, pq = (statistics.median_low(x) for x in (read_csv, loads, pq_reads))
    n, k = wave.matrix.values.shape
    print(
        f"\n{n:,} respondents × {k} items; CSV {csv.stat().st_size / 1e6:.0f} MB; "
        f"database {args.database_url.split('@')[-1] or f'SQLite {db_size / 1e6:.0f} MB'}; "
        f"nproc {os.cpu_count()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    rows = [
        ("pandas.read_csv (import baseline)", base, None, ""),
        ("io.read_responses (read + validate only)", read_validate, base, ""),
        ("import_responses, end to end", full, base, "target ≤ 5×"),
        ("  same without the answers JSON column", no_json, base, "(trade-off)"),
        ("Parquet → float64 matrix (load baseline)", pq, None, ""),
        ("load_wave → ResponseMatrix", load, pq, "target ≤ 2×"),
    ]
    print(f"{'step (medians)':<44}{'wall s':>8}{'ratio':>8}{'CPU s':>8}{'ratio':>8}")
    for name, seconds, against, note in rows:
        ratio = "" if against is None else f"{seconds / against:.2f}×"
        cpu = CPU.get(seconds, float("nan"))
        cpu_ratio = "" if against is None else f"{cpu / CPU.get(against, float('nan')):.2f}×"
        print(f"{name:<44}{seconds:>8.2f}{ratio:>8}{cpu:>8.2f}{cpu_ratio:>8}  {note}")


if __name__ == "__main__":
    main()
