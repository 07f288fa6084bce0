"""Exporting stored waves: values and labels survive, anonymous rows identify nobody."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import Engine

from gapsight.services.exports import export_table, export_wave
from gapsight.services.responses import store_table
from gapsight.services.studies import create_study
from gapsight.store.database import unit_of_work
from gapsight.store.models import Study

from .helpers import make_study, table

NAN = np.nan
STAMP = dt.datetime(2026, 3, 2, 14, 5, tzinfo=dt.UTC)
IDENTIFYING = {"respondent_key", "email", "name", "external_id", "invitation_id", "token"}


def _wave(engine: Engine, *, anonymous: bool) -> int:
    chars = pd.DataFrame({"segment": pd.Series(["A", "B"], dtype="str")})
    with unit_of_work(engine) as session:
        study = make_study(session, anonymity_mode="choice")
        store_table(
            session,
            study.id,
            table(
                [[5, NAN, 3], [1, 2, NAN]],
                dk=[[False, True, False], [False, False, False]],
                remarks=["goed", None],
                characteristics=chars,
                keys=["k1", "k2"],
            ),
            anonymous=anonymous,
            now=STAMP,
        )
        return study.id


def test_anonymous_export_has_no_identifying_field(db_engine: Engine, tmp_path: Path) -> None:
    wave_id = _wave(db_engine, anonymous=True)
    out = tmp_path / "wave.csv"
    with unit_of_work(db_engine) as session:
        assert export_wave(session, wave_id, out) == 2
    frame = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert not IDENTIFYING & {c.lower() for c in frame.columns}
    assert list(frame["response_id"].notna()) == [True, True]
    assert set(frame["completed"]) == {"2026-03-02"}
    assert frame.loc[0, "q1"] == "5" and frame.loc[0, "segment"] == "A"
    assert "14:05" not in out.read_text("utf-8")


def test_identified_export_keeps_the_respondent_key(db_engine: Engine) -> None:
    wave_id = _wave(db_engine, anonymous=False)
    with unit_of_work(db_engine) as session:
        t = export_table(session, wave_id)
    assert t.respondent_keys == ["k1", "k2"]
    assert list(t.characteristics.columns) == ["response_id", "status", "completed", "segment"]


@pytest.mark.parametrize("fmt", ["sav", "xlsx", "parquet"])
def test_export_formats_round_trip_values(db_engine: Engine, tmp_path: Path, fmt: str) -> None:
    wave_id = _wave(db_engine, anonymous=True)
    out = tmp_path / f"wave.{fmt}"
    with unit_of_work(db_engine) as session:
        export_wave(session, wave_id, out, lang="nl")
    if fmt == "sav":
        frame, meta = pyreadstat.read_sav(str(out), user_missing=False)
        assert meta.column_names_to_labels["q1"] == "Een"
    elif fmt == "xlsx":
        frame = pd.read_excel(out, sheet_name=0)
    else:
        frame = pd.read_parquet(out)
    assert float(frame["q1"].iloc[0]) == 5.0 and float(frame["q1"].iloc[1]) == 1.0
    assert float(frame["q3"].iloc[0]) == 3.0
    assert not IDENTIFYING & {str(c).lower() for c in frame.columns}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "parquet"])
def test_export_then_import_gives_the_same_wave(
    db_engine: Engine, tmp_path: Path, fmt: str
) -> None:
    from gapsight.services.imports import import_responses
    from gapsight.services.responses import load_wave

    wave_id = _wave(db_engine, anonymous=True)
    out = tmp_path / f"wave.{fmt}"
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "ignore: [response_id, status, completed]\ncharacteristics: {segment: string}\n",
        encoding="utf-8",
    )
    with unit_of_work(db_engine) as session:
        export_wave(session, wave_id, out)
        org_id = session.get(Study, wave_id).organisation_id  # type: ignore[union-attr]
        second = create_study(
            session, organisation_id=org_id, name="copy", kind="customer", instrument="small@1"
        ).id
        import_responses(session, second, out, mapping_path=mapping)
    before, after = load_wave(db_engine, wave_id), load_wave(db_engine, second)
    np.testing.assert_array_equal(after.matrix.values, before.matrix.values)
    assert after.matrix.dont_know is not None and before.matrix.dont_know is not None
    np.testing.assert_array_equal(after.matrix.dont_know, before.matrix.dont_know)
    assert after.texts == before.texts
    assert after.statuses.tolist() == before.statuses.tolist()
    assert after.matrix.characteristics["segment"].tolist() == ["A", "B"]
