"""A page save leaves no reference cycles behind (SQLite and PostgreSQL).

Objects in a cycle outlive their use until one of the garbage collector's full
collections, which pause the whole web server: before this was fixed each page left
34 such objects (its future and the whole result: survey, answers, state — held by a
retry closure that called itself) and every group-commit transaction a new
``Session`` subclass (a ``sessionmaker`` per transaction); under load that meant a
10–40 ms pause every second or two (``benchmarks/RESULTS.md``, page submissions).
"""

from __future__ import annotations

import gc
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine

from gapsight.domain.questionnaire import paginate
from gapsight.instruments import load_builtin
from gapsight.services import respondent
from gapsight.services.respondent import Link


def _cyclic_garbage(run: Any) -> list[Any]:
    """The objects that only the cycle collector would free, after ``run()``."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _ours(obj: Any) -> bool:
    if isinstance(obj, type):  # a class made at run time (e.g. by a sessionmaker)
        return True
    kind = type(obj)
    return kind is Future or kind.__module__.startswith("gapsight")


def test_page_saves_leave_no_reference_cycles(db_engine: Engine, field_study: Any) -> None:
    _study, tokens = field_study(db_engine, n=4)
    pages = paginate(load_builtin("servqual22"), {})
    links = [Link("personal", token) for token in tokens.values()]

    def answer(link: Link) -> None:
        for page in pages:
            form = [("_page", str(page.number))] + [(code, "4") for code in page.codes]
            assert respondent.submit(db_engine, link, page.number, form).saved

    answer(links[0])  # first use: caches, compiled statements, the writer thread

    def rest() -> None:
        for link in links[1:]:
            answer(link)

    garbage = _cyclic_garbage(rest)
    ours = [obj for obj in garbage if _ours(obj)]
    assert ours == [], f"{len(ours)} of {len(garbage)} objects in cycles, e.g. {ours[:5]}"
