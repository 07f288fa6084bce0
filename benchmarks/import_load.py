"""Import into the database and load a wave back (issue 3), against plain baselines.

Generates (once, cached in the temp directory) a CSV of N respondents × K items on a
1–7 agreement scale with don't know (code 8, ~1 %) and ~2 % empty cells, then times:

1. ``pandas.read_csv`` of the file — the import baseline;
2. ``gapsight.services.imports.import_responses`` end to end (read, validate, encode,
   insert the rows, write the answer blocks, commit) — target: within 5× of (1);
3. reading the same matrix from a Parquet file (``pandas.read_parquet`` →
   ``to_numpy``) — the load baseline;
4. ``gapsight.services.responses.load_wave`` — the whole wave into a float64
   respondents × items matrix, from the answer blocks the import wrote — target:
   within 2× of (3); and once from the rows (the blocks made stale first), which is
   what the first load after a change to the wave costs.

Steps 2 and 4 run on a fresh SQLite file and, when a PostgreSQL server is given
(``--postgres URL``, or ``GAPSIGHT_TEST_POSTGRES_URL``), on a fresh database on it
(dropped afterwards). CPU seconds are this process's (all threads); on PostgreSQL the
server backend's CPU (read from ``/proc``) is shown too. ``--trade-off`` adds the
import without the ``answers`` JSON (``{}``), to show what queryability costs. Run::

    .venv/bin/python benchmarks/import_load.py                  # 1,000,000 × 50
    .venv/bin/python benchmarks/import_load.py --rows 100000 --postgres postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

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


def backend_cpu(engine: Engine) -> Callable[[], float]:
    """For PostgreSQL: a function giving the CPU seconds used so far by the server
    process behind ``engine``'s (single, pooled) connection; 0 on SQLite."""
    if engine.dialect.name != "postgresql":
        return lambda: 0.0
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return read


@contextmanager
def database(kind: str, directory: Path, server: str) -> Iterator[Settings]:
    """Settings of a fresh, migrated database: a SQLite file, or a new database on
    the PostgreSQL ``server`` (dropped afterwards)."""
    if kind == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        settings = Settings(data_dir=directory, database_url=f"sqlite:///{directory}/gapsight.db")
        upgrade(settings)
        yield settings
        return
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"gs_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        settings = Settings(data_dir=directory, database_url=url)
        upgrade(settings)
        yield settings
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def new_wave(settings: Settings, ins: Instrument) -> int:
    engine = make_engine(settings)
    with unit_of_work(engine) as session:
        org = create_organisation(session, "Bench")
        version = register(session, ins)
        study = create_study(
            session, organisation_id=org.id, name="bench", kind="customer", instrument=version.id
        )
        wave_id = study.id
    engine.dispose()
    return wave_id


def import_once(settings: Settings, ins: Instrument, csv: Path) -> tuple[float, float, int]:
    """``(wall seconds, server CPU seconds, wave id)`` of one import into a new wave."""
    wave_id = new_wave(settings, ins)
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    server = backend_cpu(engine)

    def run() -> None:
        with unit_of_work(engine) as session:
            import_responses(session, wave_id, csv)

    before = server()
    seconds, _ = timed(run)
    used = server() - before
    engine.dispose()
    return seconds, used, wave_id


def measure(
    kind: str,
    settings: Settings,
    ins: Instrument,
    csv: Path,
    parquet: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Import, loads from blocks, one load from rows, on one database."""
    out: dict[str, Any] = {}
    if args.trade_off:
        real_json = answers._answers_json
        answers._answers_json = lambda codes, values, mask: ["{}"] * values.shape[0]  # type: ignore[assignment]
        try:
            out["no_json"] = import_once(settings, ins, csv)[:2]
        finally:
            answers._answers_json = real_json  # type: ignore[assignment]
    seconds, server, wave_id = import_once(settings, ins, csv)
    out["import"] = (seconds, server)
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    backend = backend_cpu(engine)
    loads, pq_reads = [], []
    for i in range(args.repeat):
        # the baseline alternates with the loads, so both see the same process state
        pq_reads.append(timed(lambda: pd.read_parquet(parquet).to_numpy(dtype=np.float64))[0])
        before = backend()
        seconds, wave = timed(lambda: load_wave(engine, wave_id))
        loads.append((seconds, backend() - before))
        if i < args.repeat - 1:
            del wave  # as the Parquet reads: one matrix alive at a time (page faults)
    out["load"] = sorted(loads)[(len(loads) - 1) // 2]
    out["parquet"] = statistics.median_low(pq_reads)
    out["wave"] = wave
    # make the blocks stale (as any response write does) and load from the rows once
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE answer_versions SET version = version + 1 WHERE wave_id = :w"),
            {"w": wave_id},
        )
    before = backend()
    seconds, wave = timed(lambda: load_wave(engine, wave_id))
    out["rows_load"] = (seconds, backend() - before)
    out["rows_wave"] = wave
    if kind == "sqlite":
        out["size"] = sum(p.stat().st_size for p in settings.data_dir.glob("gapsight.db*"))
    else:
        with engine.connect() as conn:
            out["size"] = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return out


def same(a: Any, b: Any) -> bool:
    return bool(
        np.array_equal(a.matrix.values, b.matrix.values, equal_nan=True)
        and np.array_equal(a.matrix.dont_know, b.matrix.dont_know)
        and np.array_equal(a.response_ids, b.response_ids)
        and np.array_equal(a.statuses, b.statuses)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the fast steps")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("GAPSIGHT_TEST_POSTGRES_URL", ""),
        help="PostgreSQL server URL (a database is created and dropped); "
        "default $GAPSIGHT_TEST_POSTGRES_URL; empty: SQLite only",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--trade-off", action="store_true", help="also import without the answers JSON"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.gettempdir())
    csv = tmp / f"gapsight-import-{args.rows}x{args.items}.csv"
    if not csv.exists():
        print(f"generating {csv} …", flush=True)
        generate(csv, args.rows, args.items)
    ins = instrument(args.items)
    work = Path(tempfile.mkdtemp(prefix="gapsight-bench-"))
    print(f"start: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    read_csv = [timed(lambda: pd.read_csv(csv))[0] for _ in range(args.repeat)]
    read_validate, table = timed(lambda: read_responses(csv, ins))
    parquet = work / "matrix.parquet"
    table.matrix.to_frame().to_parquet(parquet)
    del table
    kinds = ([] if args.no_sqlite else ["sqlite"]) + (["postgres"] if args.postgres else [])
    results: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        with database(kind, work / kind, args.postgres) as settings:
            results[kind] = measure(kind, settings, ins, csv, parquet, args)
        print(f"{kind} done: load average {os.getloadavg()[0]:.2f}", flush=True)

    first = results[kinds[0]]["wave"]
    check = pd.read_parquet(parquet).to_numpy(dtype=np.float64)
    for kind, r in results.items():
        if not np.array_equal(check, r["wave"].matrix.values, equal_nan=True):
            raise SystemExit(f"{kind}: the loaded matrix differs from the Parquet copy")
        if not same(r["wave"], r["rows_wave"]) or not same(r["wave"], first):
            raise SystemExit(f"{kind}: loading from blocks and from rows differ")

    base = statistics.median_low(read_csv)
    n, k = first.matrix.values.shape
    print(
        f"\n{n:,} respondents × {k} items; CSV {csv.stat().st_size / 1e6:.0f} MB; "
        f"nproc {os.cpu_count()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"{'step (medians)':<48}{'wall s':>8}{'ratio':>8}{'CPU s':>8}{'ratio':>8}{'+server':>9}")

    def line(
        name: str, seconds: float, against: float | None, note: str = "", server: float = 0.0
    ) -> None:
        cpu = CPU.get(seconds, float("nan"))
        ratio = "" if against is None else f"{seconds / against:.2f}×"
        cpu_ratio = "" if against is None else f"{cpu / CPU[against]:.2f}×"
        extra = f"{server:>8.2f}s" if server else ""
        print(f"{name:<48}{seconds:>8.2f}{ratio:>8}{cpu:>8.2f}{cpu_ratio:>8}{extra:>9}  {note}")
        if server and against is not None:
            both = (cpu + server) / CPU[against]
            print(f"{'    (client + server CPU)':<48}{'':>16}{cpu + server:>8.2f}{both:>7.2f}×")

    line("pandas.read_csv (import baseline)", base, None)
    line("io.read_responses (read + validate only)", read_validate, base)
    for kind, r in results.items():
        print(f"-- {kind} (database {r['size'] / 1e6:.0f} MB)")
        if "no_json" in r:
            line(
                "  import without the answers JSON",
                r["no_json"][0],
                base,
                "(trade-off)",
                r["no_json"][1],
            )
        line("  import_responses, end to end", r["import"][0], base, "target ≤ 5×", r["import"][1])
        pq = r["parquet"]
        line("  Parquet → float64 matrix (load baseline)", pq, None)
        line("  load_wave from blocks", r["load"][0], pq, "target ≤ 2×", r["load"][1])
        line(
            "  load_wave from rows (blocks stale)",
            r["rows_load"][0],
            pq,
            "(after a change)",
            r["rows_load"][1],
        )
    shutil.rmtree(work, ignore_errors=True)  # the SQLite file of a 1M run is ~0.9 GB


if __name__ == "__main__":
    main()
