"""Parquet export and import: typed columns, don't-know flags, damaged files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gapsight.instruments.model import Instrument
from gapsight.io import (
    ImportMapping,
    ImportRejected,
    ResponseTable,
    read_responses,
    write_responses,
)


def test_typed_columns_and_dont_know_flags(
    mini: Instrument,
    tmp_path: Path,
    sample: ResponseTable,
    chars: dict[str, str],
    assert_same: Callable[..., None],
) -> None:
    path = tmp_path / "out.parquet"
    write_responses(path, sample, mini)
    table = pq.read_table(path)
    assert table.column_names == [
        "respondent_key", "q1", "q1__dont_know", "q2", "grade", "kind", "remark",
        "segment", "employees", "vip", "since", "revenue",
    ]  # fmt: skip
    schema = table.schema
    assert schema.field("q1").type == pa.int16()
    assert schema.field("employees").type == pa.int64()
    assert schema.field("vip").type == pa.bool_()
    assert pa.types.is_timestamp(schema.field("since").type)
    assert schema.metadata[b"gapsight.instrument"] == b"mini@1"
    assert schema.field("q1").metadata[b"label"] == b"{org} keeps its promises"
    # don't know is null in the answer column (safe to average) and flagged beside it
    assert table.column("q1").to_pylist() == [1, None, 4]
    assert table.column("q1__dont_know").to_pylist() == [False, True, False]
    back = read_responses(path, mini, mapping=ImportMapping().with_characteristics(chars))
    assert_same(back, sample)


def test_flag_on_item_without_dont_know(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(
        pa.table({"q2": pa.array([None, 3], pa.int16()), "q2__dont_know": [True, True]}), path
    )
    with pytest.raises(ImportRejected) as info:
        read_responses(path, mini)
    assert [str(p) for p in info.value.problems] == [
        "row 1, column 'q2__dont_know': got 'True'; expected false: item q2 does not offer "
        "don't know",
        "row 2, column 'q2__dont_know': got 'True'; expected false: item q2 does not offer "
        "don't know",
        "row 2, column 'q2__dont_know': got '3'; expected no answer in 'q2' where don't know "
        "is flagged",
    ]


def test_truncated(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"q1": list(range(1, 6)) * 100}), path)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ImportRejected) as info:
        read_responses(cut, mini)
    (problem,) = info.value.problems
    assert problem.expected.startswith("a complete Parquet file")


def test_progress_over_row_groups(mini: Instrument, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(
        pa.table({"q1": pa.array([1, 2, 3, 4] * 50, pa.int16())}), path, row_group_size=50
    )
    calls: list[tuple[int, int]] = []
    assert read_responses(path, mini, progress=lambda d, t: calls.append((d, t))).n == 200
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
