"""Page submissions against ``gapsight serve`` (issue 5), next to its bare ceiling.

For each database (SQLite in a temporary data directory; PostgreSQL too when
``GAPSIGHT_TEST_POSTGRES_URL`` is set or ``scripts/postgres`` can start one), this:

1. sets up a SERVQUAL-22 study in fieldwork with enough invitations and personal
   tokens (10 pages of at most 5 statements per respondent);
2. starts ``gapsight serve`` as a separate process (one Uvicorn worker, on the first
   free port of 18300–18399);
3. measures the **ceiling**: ``GET /health`` from ``--concurrency`` closed-loop
   clients (each sends its next request as soon as the last one is answered) for
   ``--seconds``;
4. measures **page submissions at saturation**: ``--concurrency`` simulated
   respondents, each taking the next personal link and POSTing its pages in order
   (a valid page is saved and answered with 303) — submissions per second and
   latency percentiles, closed loop like the ceiling;
5. measures **latency at the target rate**: the same respondents, but page
   submissions *arrive* at 25 % of the ceiling's rate (open loop: a request is sent
   at its scheduled time whether or not earlier ones were answered, at most
   ``--concurrency`` in flight), which is how latency should be judged — in a closed
   loop, latency is just concurrency / throughput (Little's law); and once more at
   half the saturation throughput, to show the latency of a server that keeps up.

Target (issue 5): at least 25 % of the ceiling's throughput with p99 under 100 ms at
50 concurrent respondents. The client (httpx, asyncio) runs on the same machine and
competes with the server for the CPU; the script prints the load average before and
after each run. Run::

    .venv/bin/python benchmarks/submissions.py                 # SQLite and PostgreSQL
    .venv/bin/python benchmarks/submissions.py --backends sqlite --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gapsight.config import Settings
from gapsight.domain.questionnaire import Page, paginate
from gapsight.instruments import load_builtin
from gapsight.io.table import SampleTable
from gapsight.services import links, organisations, samples, studies
from gapsight.store.database import make_engine, normalise_url, unit_of_work
from gapsight.store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SERVQUAL = load_builtin("servqual22")
PAGES = paginate(SERVQUAL, SERVQUAL.modules)
GAPSIGHT = str(Path(sys.executable).with_name("gapsight"))


@dataclass
class Run:
    """Counts and latencies (seconds) of one measurement."""

    name: str
    ok: int
    errors: int
    seconds: float
    latencies: list[float]
    fixed: tuple[float, float, float] | None = None
    """(p50, p95, p99) in ms when measured by wrk instead of from ``latencies``."""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def pct(self, q: float) -> float:
        if self.fixed is not None:
            return {0.50: self.fixed[0], 0.95: self.fixed[1], 0.99: self.fixed[2]}[q]
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<28} {self.rate:8.1f}/s  p50 {self.pct(0.50):7.1f} ms  "
            f"p95 {self.pct(0.95):7.1f} ms  p99 {self.pct(0.99):7.1f} ms  "
            f"({self.ok} ok, {self.errors} errors, {self.seconds:.1f} s)"
        )


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


PORTS = range(18300, 18400)
"""The benchmark's server ports (kept apart from other services on a shared machine)."""


def free_port() -> int:
    """The first port of :data:`PORTS` that nothing listens on."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


def seed(settings: Settings, n: int) -> list[str]:
    """A SERVQUAL study in fieldwork with ``n`` invitations; their personal tokens."""
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with unit_of_work(engine) as session:
            org = organisations.create_organisation(session, "Veldhuis", sector="veilig werken")
            study = studies.create_study(
                session,
                organisation_id=org.id,
                name="Benchmark",
                kind="customer",
                instrument="servqual22",
                anonymity_mode="anonymous",
            )
            contacts = pd.DataFrame(
                {"email": [f"r{i}@example.org" for i in range(n)], "language": ["nl"] * n}
            )
            samples.store_sample(
                session, study.id, SampleTable(contacts, pd.DataFrame(index=range(n)))
            )
            tokens = list(links.issue_tokens(session, study.id).values())
            studies.set_status(session, study.id, "fieldwork")
            return tokens
    finally:
        engine.dispose()


@contextmanager
def serve(settings: Settings, log: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "GAPSIGHT_MAIL_SENDER": "false",
        "GAPSIGHT_DATA_DIR": str(settings.data_dir),
        "GAPSIGHT_DATABASE_URL": settings.database_url,
        "GAPSIGHT_SECRET_KEY": "b" * 48,
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [GAPSIGHT, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gapsight serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def form(page: Page, i: int) -> dict[str, str]:
    out = {"_page": str(page.number)}
    out.update({c: str(1 + (i + j) % 7) for j, c in enumerate(page.codes)})
    return out


async def ceiling(base: str, concurrency: int, seconds: float) -> Run:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = await client.get("/health")
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return Run("ceiling GET /health", len(latencies), errors, elapsed, latencies)


class Connection:
    """One keep-alive HTTP/1.1 connection: a much lighter client than httpx, so that
    the load generator takes less of the CPU it shares with the server."""

    def __init__(self, base: str) -> None:
        url = httpx.URL(base)
        self.host, self.port = str(url.host), int(url.port or 80)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def submissions(
    base: str, tokens: list[str], concurrency: int, seconds: float, rate: float | None
) -> Run:
    """Respondents posting pages, one connection each; ``rate`` = open-loop arrivals
    per second over all respondents (``None``: closed loop). Each respondent posts its
    10 pages in order, then takes a new link."""
    latencies: list[float] = []
    errors = 0
    pool = iter(enumerate(tokens))
    start = time.perf_counter()
    stop = start + seconds
    gap = concurrency / rate if rate else 0.0

    async def respondent(k: int) -> None:
        nonlocal errors
        conn = Connection(base)
        next_at = start + (k / rate if rate else 0.0)
        try:
            while time.perf_counter() < stop:
                try:
                    i, token = next(pool)
                except StopIteration:
                    return
                for page in PAGES:
                    if rate:
                        delay = next_at - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        next_at += gap
                    if time.perf_counter() >= stop:
                        return
                    body = urlencode(form(page, i)).encode()
                    t = time.perf_counter()
                    status = await conn.post(f"/r/{token}/p/{page.number}", body)
                    if status == 303:
                        latencies.append(time.perf_counter() - t)
                    else:
                        errors += 1
        finally:
            conn.close()

    await asyncio.gather(*(respondent(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - start
    name = "page POST, closed loop" if rate is None else f"page POST at {rate:.0f}/s"
    return Run(name, len(latencies), errors, elapsed, latencies)


DONE_LUA = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %f %f %f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
"""Prints requests, errors, duration and latency percentiles (µs) for the script."""

REQUEST_LUA = """
tokens = {%(tokens)s}
bodies = {%(bodies)s}
pages = #bodies
slots = %(slots)d
counter = 0
function request()
  local k = counter
  counter = counter + 1
  local slot = k %% slots
  local round = math.floor(k / slots)
  local who = (slot + slots * math.floor(round / pages)) %% #tokens + 1
  local page = round %% pages + 1
  return wrk.format("POST", "/r/" .. tokens[who] .. "/p/" .. page,
    {["Content-Type"] = "application/x-www-form-urlencoded"}, bodies[page])
end
"""
"""Request *k* goes to respondent slot *k* mod 50 (then slot + 50, + 100 …), its pages
in order, so two pages of one respondent are 50 requests apart and never in flight
together."""


def wrk(name: str, url: str, script: str, concurrency: int, seconds: float, work: Path) -> Run:
    """Run ``wrk`` (one thread, ``concurrency`` connections) with a Lua ``script``."""
    path = work / f"{uuid.uuid4().hex}.lua"
    path.write_text(script)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "-s",
            str(path),
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = [x for x in out.stdout.splitlines() if x.startswith("WRK ")]
    if not found:
        raise SystemExit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    line = found[0]
    requests, errors, duration, p50, p95, p99 = line.split()[1:]
    run = Run(name, int(requests) - int(errors), int(errors), int(duration) / 1e6, [])
    run.fixed = (float(p50) / 1000, float(p95) / 1000, float(p99) / 1000)
    return run


def wrk_submissions(
    base: str, tokens: list[str], concurrency: int, seconds: float, work: Path
) -> Run:
    bodies = []
    for page in PAGES:
        fields = [("_page", str(page.number))] + [(c, "4") for c in page.codes]
        bodies.append('"' + "&".join(f"{k}={v}" for k, v in fields) + '"')
    script = REQUEST_LUA % {
        "tokens": ",".join(f'"{t}"' for t in tokens),
        "bodies": ",".join(bodies),
        "slots": concurrency,
    }
    return wrk("page POST, closed loop (wrk)", base, script + DONE_LUA, concurrency, seconds, work)


@contextmanager
def postgres_database() -> Iterator[str | None]:
    url = os.environ.get("GAPSIGHT_TEST_POSTGRES_URL", "")
    if not url:
        script = ROOT / "scripts" / "postgres"
        try:
            url = subprocess.run(
                [str(script)], capture_output=True, text=True, check=True, timeout=120
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            url = ""
    if not url:
        yield None
        return
    url = normalise_url(url)
    name = f"gs_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def stored_pages(settings: Settings) -> int:
    """Pages saved in the database (every acknowledged POST must be one of them)."""
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT pages FROM responses")).scalars().all()
    finally:
        engine.dispose()
    return sum(len(json.loads(p) if isinstance(p, str) else p or []) for p in rows)


def measure(name: str, settings: Settings, args: argparse.Namespace, work: Path) -> None:
    needed = 2 * (int(args.seconds * 1000 / len(PAGES)) + args.concurrency)
    print(f"\n== {name}: seeding {needed} invitations …", flush=True)
    tokens = seed(settings, needed)
    with serve(settings, work / f"serve-{name}.log") as base:
        # Warm up: imports, caches, connection pool.
        warm = asyncio.run(submissions(base, tokens[:5], 5, 2.0, None))
        used = 5
        print(f"load before: {load()}", flush=True)
        half = (len(tokens) - used) // 2
        first, second = tokens[used : used + half], tokens[used + half :]
        if shutil.which("wrk"):
            top = wrk(
                "ceiling GET /health (wrk)",
                base + "/health",
                DONE_LUA,
                args.concurrency,
                args.seconds,
                work,
            )
            print(top.line(), flush=True)
            sat = wrk_submissions(base, first, args.concurrency, args.seconds, work)
        else:
            top = asyncio.run(ceiling(base, args.concurrency, args.seconds))
            print(top.line(), flush=True)
            sat = asyncio.run(submissions(base, first, args.concurrency, args.seconds, None))
        print(sat.line(), flush=True)
        target = 0.25 * top.rate
        quarter = len(second) // 2
        paced = asyncio.run(
            submissions(base, second[:quarter], args.concurrency, args.seconds, target)
        )
        print(paced.line(), flush=True)
        easy = asyncio.run(
            submissions(base, second[quarter:], args.concurrency, args.seconds, sat.rate / 2)
        )
        print(easy.line(), "<- half the saturation rate", flush=True)
        print(f"load after: {load()}", flush=True)
        if sat.ok > len(first) * len(PAGES):
            print("WARNING: more submissions than pages of fresh links; raise the seed size")
    stored = stored_pages(settings)
    sent = warm.ok + sat.ok + paced.ok + easy.ok
    print(f"pages stored in the database: {stored} (acknowledged: {sent})", flush=True)
    share = sat.rate / top.rate
    print(
        f"saturation throughput = {share:.0%} of the ceiling; at 25 % of the ceiling "
        f"({target:.0f}/s) p99 = {paced.pct(0.99):.1f} ms "
        f"(achieved {paced.rate:.0f}/s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-bench-submissions-"))
    print(f"nproc {os.cpu_count()}, python {sys.version.split()[0]}, load {load()}")
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                data = work / "sqlite"
                data.mkdir()
                measure("SQLite", Settings(data_dir=data), args, work)
            elif backend == "postgres":
                with postgres_database() as url:
                    if url is None:
                        print(
                            "\n== PostgreSQL: skipped (no server: set GAPSIGHT_TEST_POSTGRES_URL)"
                        )
                        continue
                    data = work / "pg"
                    data.mkdir()
                    measure("PostgreSQL", Settings(data_dir=data, database_url=url), args, work)
    finally:
        if not os.environ.get("GAPSIGHT_BENCH_KEEP"):  # keep the server logs to look at
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
