"""Export a study's responses to CSV, Excel, SPSS ``.sav`` or Parquet.

The exported table has the instrument's items (with don't-know written as the io
layer's don't-know code and labelled), the free-text answers, and as extra columns the
response id, status, completion date and the loaded characteristics.

**Anonymous responses carry no identifying field at all**: no invitation, token,
e-mail, name or external id is ever exported, and for anonymous responses neither the
respondent key nor a time of day (the completion date only). When every response is
anonymous the respondent-key column is left out altogether.

Example::

    >>> # with unit_of_work(engine) as session:
    >>> #     export_wave(session, study_id, Path("wave.sav"), lang="nl")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from gapsight import io
from gapsight.analysis.matrix import ResponseMatrix
from gapsight.services.instruments import as_instrument
from gapsight.services.organisations import get_organisation
from gapsight.services.responses import load_wave
from gapsight.services.studies import get_study
from gapsight.store.models import Response

__all__ = ["EXTRA_COLUMNS", "export_table", "export_wave"]

EXTRA_COLUMNS = ("response_id", "status", "completed")
"""Columns added before the loaded characteristics in every export."""


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def export_table(session: Session, wave_id: int) -> io.ResponseTable:
    """The stored responses of wave ``wave_id`` as a :class:`~gapsight.io.ResponseTable`
    without identifying fields for anonymous responses (see the module docstring)."""
    wave = load_wave(session, wave_id)
    meta = session.execute(
        select(Response.id, Response.anonymous, Response.completed_at)
        .where(Response.wave_id == wave_id)
        .order_by(Response.id)
    ).all()
    anonymous = np.array([bool(r[1]) for r in meta], dtype=np.bool_)
    completed = [_date(r[2]) for r in meta]
    frame = pd.DataFrame(
        {
            "response_id": pd.Series(wave.response_ids, dtype="Int64"),
            "status": pd.Series(wave.statuses.tolist(), dtype="str"),
            "completed": pd.to_datetime(pd.Series(completed, dtype=object)),
        }
    )
    for name, kind in wave.characteristic_types.items():
        values = wave.matrix.characteristics[name]
        if kind == "integer":
            frame[name] = pd.Series(values).round().astype("Int64")
        elif kind == "float":
            frame[name] = pd.Series(values, dtype="Float64")
        elif kind == "date":
            frame[name] = pd.to_datetime(pd.Series(values))
        elif kind == "boolean":
            frame[name] = pd.Series(values, dtype="boolean")
        else:
            frame[name] = pd.Series(values, dtype="str")
    keys: list[str | None] | None = [
        None if anonymous[i] else k for i, k in enumerate(wave.respondent_keys)
    ]
    if keys is not None and all(k is None for k in keys):
        keys = None
    matrix = ResponseMatrix(
        codes=wave.matrix.codes, values=wave.matrix.values, dont_know=wave.matrix.dont_know
    )
    return io.ResponseTable(
        instrument_ref=wave.instrument.ref,
        matrix=matrix,
        texts=wave.texts,
        characteristics=frame,
        respondent_keys=keys,
    )


def export_wave(
    session: Session,
    wave_id: int,
    path: Path,
    *,
    fmt: str | None = None,
    lang: str = "en",
    placeholders: dict[str, str] | None = None,
) -> int:
    """Write the responses of wave ``wave_id`` to ``path`` (format from ``fmt`` or the
    suffix: csv, xlsx, sav, parquet; labels in ``lang``; ``{org}``/``{sector}`` in item
    texts filled from the study's organisation unless ``placeholders`` are given).
    Returns the number of rows written."""
    if lang not in ("nl", "en"):
        raise ValueError(f"unknown language {lang!r}: expected nl or en")
    study = get_study(session, wave_id)
    instrument = as_instrument(study.instrument_version)
    if placeholders is None:
        org = get_organisation(session, study.organisation_id)
        placeholders = {"org": org.name, **({"sector": org.sector} if org.sector else {})}
    table = export_table(session, wave_id)
    io.write_responses(Path(path), table, instrument, fmt=fmt, lang=lang, placeholders=placeholders)
    return table.n
