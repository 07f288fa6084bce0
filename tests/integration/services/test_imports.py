"""Importing files through the io layer into a study: all or nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from gapsight.io import ImportRejected
from gapsight.services.imports import import_responses, import_sample
from gapsight.services.responses import load_wave
from gapsight.services.samples import find_by_token, issue_token
from gapsight.store.database import unit_of_work
from gapsight.store.models import Invitation, Response

from .helpers import make_study


def _count(engine: Engine, model: type[Response] | type[Invitation]) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_csv_with_mapping_is_stored(db_engine: Engine, tmp_path: Path) -> None:
    data = tmp_path / "wave.csv"
    data.write_text(
        "RespNr;V1;V2;q3;remark;Segment\nr1;5;9;3;prima;A\nr2;4;2;;;B\nr3;;;;;A\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "respondent_key: RespNr\n"
        "columns: {V1: q1, V2: q2}\n"
        "dont_know_by_column: {V2: [9]}\n"
        "characteristics: {segment: {column: Segment, type: string}}\n",
        encoding="utf-8",
    )
    seen: list[str] = []
    with unit_of_work(db_engine) as session:
        wave_id = make_study(session, anonymity_mode="identified").id
        result = import_responses(
            session,
            wave_id,
            data,
            mapping_path=mapping,
            progress=lambda phase, done, total: seen.append(phase),
        )
    assert result.rows == 3
    assert result.statuses == {"complete": 2, "started": 1}
    assert result.characteristics == {"segment": "string"}
    assert "store" in seen
    wave = load_wave(db_engine, wave_id)
    np.testing.assert_array_equal(wave.matrix.values[:2], [[5, np.nan, 3], [4, 2, np.nan]])
    assert wave.matrix.dont_know is not None and wave.matrix.dont_know[0, 1]
    assert wave.respondent_keys == ["r1", "r2", "r3"]
    assert wave.texts["remark"] == ["prima", None, None]
    assert wave.matrix.characteristics["segment"].tolist() == ["A", "B", "A"]


def test_invalid_file_is_rejected_and_nothing_stored(db_engine: Engine, tmp_path: Path) -> None:
    data = tmp_path / "wave.csv"
    data.write_text("q1;q2;q3\n5;2;1\n8;2;1\n3;0;x\n", encoding="utf-8")
    with unit_of_work(db_engine) as session:
        wave_id = make_study(session).id
    with pytest.raises(ImportRejected) as caught, unit_of_work(db_engine) as session:
        import_responses(session, wave_id, data)
    rows = {(p.row, p.column) for p in caught.value.problems}
    assert {(3, "q1"), (4, "q2"), (4, "q3")} <= rows
    assert _count(db_engine, Response) == 0


def test_sample_import_stores_invitations_and_characteristics(
    db_engine: Engine, tmp_path: Path
) -> None:
    data = tmp_path / "sample.csv"
    data.write_text(
        "email;name;language;segment;since\n"
        "Ann@Example.org;Ann;en;A;2020-01-05\n"
        "bob@example.org;Bob;;B;\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("characteristics: {segment: string, since: date}\n", encoding="utf-8")
    with unit_of_work(db_engine) as session:
        wave_id = make_study(session).id
        result = import_sample(session, wave_id, data, mapping_path=mapping)
    assert result.rows == 2
    assert result.characteristics == {"segment": "string", "since": "date"}
    with unit_of_work(db_engine) as session:
        rows = session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert [(r.email, r.language) for r in rows] == [
            ("ann@example.org", "en"),
            ("bob@example.org", "nl"),
        ]
        assert rows[0].characteristics == {"segment": "A", "since": "2020-01-05"}
        assert rows[1].characteristics == {"segment": "B"}
        token = issue_token(session, rows[0].id)
        assert len(token) >= 22 and rows[0].token_hash != token
        found = find_by_token(session, token)
        assert found is not None and found.id == rows[0].id
        assert find_by_token(session, token + "x") is None
    # Importing the same contacts again is refused as a whole.
    with pytest.raises(ValueError, match="already invited"), unit_of_work(db_engine) as session:
        import_sample(session, wave_id, data, mapping_path=mapping)
    assert _count(db_engine, Invitation) == 2
