"""The research report of a large wave (issue 7): HTML and PDF, analysis vs rendering.

Builds, in a fresh SQLite database, a series of four customer waves of N respondents
each (default 10,000; the demo organisation's customer questionnaire: SERVQUAL-22 with
importance points, report grades, CVS, control questions), chained by
``previous_wave_id``, with two loaded characteristics (segment, business unit). The
answers are rows drawn with replacement from the demo's two customer waves (so the
items correlate as in real data and the characteristics keep their group sizes in
proportion), stored through :func:`gapsight.services.responses.store_table`.

Then times :func:`gapsight.services.reporting.render_report` for the latest wave, HTML
and PDF, with the phases reported by :class:`~gapsight.services.reporting.Timings`:
``load`` (four waves from the database), ``analysis`` (four full analyses, breakdowns,
changes, norms), ``build`` (the report model, including the SVG figures) and
``render`` (Jinja2, plus WeasyPrint for the PDF). Target: PDF under 15 s. Run::

    .venv/bin/python benchmarks/report.py              # 10,000 respondents per wave
    .venv/bin/python benchmarks/report.py --rows 2000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.config import Settings
from gapsight.io.table import ResponseTable
from gapsight.services import instruments as instrument_service
from gapsight.services.demo_data import generate
from gapsight.services.organisations import create_organisation
from gapsight.services.reporting import Timings, render_report
from gapsight.services.responses import store_table
from gapsight.services.studies import create_study
from gapsight.store.database import make_engine, unit_of_work
from gapsight.store.migrate import upgrade


def build_series(directory: Path, rows: int, waves: int = 4, seed: int = 7) -> tuple[Settings, int]:
    """Store ``waves`` waves of ``rows`` respondents; return the settings and the id of
    the latest wave."""
    settings = Settings(data_dir=directory)
    upgrade(settings)
    demo = generate()
    sources = [demo.wave("klant-2024"), demo.wave("klant-2025")]
    rng = np.random.default_rng(seed)
    engine = make_engine(settings)
    previous: int | None = None
    try:
        with unit_of_work(engine) as session:
            org = create_organisation(session, "Benchmark BV", sector="facility services")
            version = instrument_service.register(
                session, sources[0].instrument, organisation_id=org.id
            )
            for w in range(waves):
                src = sources[min(w, 1)].table
                pick = rng.integers(0, src.n, size=rows)
                m = src.matrix
                table = ResponseTable(
                    instrument_ref=src.instrument_ref,
                    matrix=ResponseMatrix(
                        codes=m.codes,
                        values=m.values[pick],
                        dont_know=None if m.dont_know is None else m.dont_know[pick],
                    ),
                    texts={c: [col[i] for i in pick] for c, col in src.texts.items()},
                    characteristics=src.characteristics.iloc[pick].reset_index(drop=True),
                )
                study = create_study(
                    session,
                    organisation_id=org.id,
                    name=f"Klantonderzoek {2023 + w}",
                    kind="customer",
                    instrument=version.id,
                    series="klant",
                    population_size=rows * 3,
                    anonymity_mode="anonymous",
                    min_group_size=10,
                    previous_wave_id=previous,
                )
                session.flush()
                store_table(session, study.id, table)
                previous = study.id
    finally:
        engine.dispose()
    assert previous is not None
    return settings, previous


def machine() -> str:
    """nproc, CPU model, RAM and load, for the results file."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        ram = f"{int(mem) / 1024 / 1024:.1f} GiB"
    except OSError:
        ram = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"nproc {os.cpu_count()}, {model}, RAM {ram}, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--waves", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="nl")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        settings, study = build_series(Path(tmp), args.rows, args.waves)
        print(
            f"stored {args.waves} waves × {args.rows:,} respondents in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        print(machine())
        engine = make_engine(settings)
        try:
            for fmt in ("html", "pdf"):
                runs: list[tuple[float, float, Timings, int]] = []
                for _ in range(args.repeat):
                    timings = Timings()
                    wall, cpu = time.perf_counter(), time.process_time()
                    data = render_report(engine, study, fmt=fmt, lang=args.lang, timings=timings)
                    runs.append(
                        (time.perf_counter() - wall, time.process_time() - cpu, timings, len(data))
                    )
                runs.sort(key=lambda r: r[0])
                wall_s, cpu_s, timings, size = runs[len(runs) // 2]
                phases = timings.seconds
                total = sum(phases.values()) or 1.0
                cpu_total = sum(timings.cpu.values()) or 1.0
                shares = ", ".join(
                    f"{k} {v:.2f} s ({100 * v / total:.0f} %; CPU {timings.cpu[k]:.2f} s, "
                    f"{100 * timings.cpu[k] / cpu_total:.0f} %)"
                    for k, v in phases.items()
                )
                walls = ", ".join(f"{r[0]:.1f}" for r in runs)
                print(
                    f"{fmt}: median wall {wall_s:.2f} s (runs {walls}), CPU {cpu_s:.2f} s, "
                    f"{size:,} bytes; {shares}"
                )
                if fmt == "pdf":
                    median = statistics.median(r[0] for r in runs)
                    cpu_median = statistics.median(r[1] for r in runs)
                    print(
                        f"pdf target < 15 s: wall {median:.1f} s "
                        f"({'meets' if median < 15 else 'misses'}), CPU {cpu_median:.1f} s "
                        f"({'meets' if cpu_median < 15 else 'misses'} on an idle machine)"
                    )
        finally:
            engine.dispose()
        print(machine())


if __name__ == "__main__":
    main()
