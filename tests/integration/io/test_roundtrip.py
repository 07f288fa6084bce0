"""Property: writing any valid response table and reading it back is the identity,
in every format (CSV, Excel, SPSS .sav, Parquet).

Tables are drawn at random: answers anywhere on each item's scale, don't know where
the item offers it, gaps, free text with quotes, delimiters, newlines and non-ASCII
letters, unique respondent keys, and characteristics of every type.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments import parse_yaml
from gapsight.instruments.model import Instrument
from gapsight.io import FORMATS, ImportMapping, ResponseTable, read_responses, write_responses

INSTRUMENT = parse_yaml(
    """
id: props
languages: [en]
title: {en: Properties}
scales:
  - {id: agree7, kind: agreement, min: 1, max: 7}
  - {id: rating, kind: rating, min: 0, max: 10}
  - id: pick
    kind: choice
    points:
      - {value: 1, label: {en: one}}
      - {value: 2, label: {en: two}}
      - {value: 5, label: {en: five}}
  - {id: points, kind: points, min: 0, max: 100}
  - {id: txt, kind: text}
sections:
  - id: s
    title: {en: S}
    items:
      - {code: a1, text: {en: "{org} is reliable"}, scale: agree7, dont_know: true}
      - {code: a2, text: {en: A2}, scale: agree7}
      - {code: r1, text: {en: R1}, scale: rating}
      - {code: c1, text: {en: C1}, scale: pick, dont_know: true}
      - {code: w1, text: {en: W1}, scale: points, dont_know: true}
      - {code: t1, text: {en: "Why?"}, scale: txt}
""",
    source="props",
)

CHAR_TYPES = {
    "segment": "string",
    "size": "integer",
    "share": "float",
    "vip": "boolean",
    "since": "date",
}

_TEXT = (
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            categories=("L", "N", "P", "S", "Zs"),
            include_characters="\n,;\"'=",
            exclude_characters="\r\x00",
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_KEY = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)


def _answers(ins: Instrument, code: str, n: int) -> st.SearchStrategy[list[float]]:
    item = ins.item(code)
    scale = ins.scale(item.scale)
    if scale.kind == "choice":
        valid = st.sampled_from([float(p.value) for p in scale.points])
    else:
        lo, hi = scale.bounds()
        valid = st.integers(lo, hi).map(float)
    cell = st.one_of(valid, st.just(np.nan), *([st.just(-1.0)] if item.dont_know else []))
    return st.lists(cell, min_size=n, max_size=n)


@st.composite
def tables(draw: st.DrawFn) -> ResponseTable:
    n = draw(st.integers(1, 12))
    numeric = INSTRUMENT.numeric_codes()
    codes = [c for c in numeric if draw(st.booleans())] or [numeric[0]]
    columns = [draw(_answers(INSTRUMENT, c, n)) for c in codes]
    values = np.array(columns, np.float64).T.reshape(n, len(codes))
    dont_know = values == -1.0
    values[dont_know] = np.nan
    texts = {}
    if draw(st.booleans()):
        texts["t1"] = draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n, max_size=n))
    keys = draw(st.lists(_KEY, min_size=n, max_size=n, unique=True))
    chosen = [c for c in CHAR_TYPES if draw(st.booleans())]
    frame: dict[str, object] = {}
    for name in chosen:
        kind = CHAR_TYPES[name]
        if kind == "string":
            cells = draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n, max_size=n))
            frame[name] = pd.Series(cells, dtype="str")
        elif kind == "integer":
            ints = draw(
                st.lists(st.one_of(st.none(), st.integers(-(10**9), 10**9)), min_size=n, max_size=n)
            )
            frame[name] = pd.array(ints, dtype="Int64")
        elif kind == "float":
            floats = draw(
                st.lists(
                    st.one_of(
                        st.just(np.nan),
                        st.floats(-1e9, 1e9, allow_nan=False, allow_subnormal=False),
                    ),
                    min_size=n,
                    max_size=n,
                )
            )
            frame[name] = pd.Series(floats, dtype="float64")
        elif kind == "boolean":
            flags = draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n))
            frame[name] = pd.array(flags, dtype="boolean")
        else:
            days = draw(
                st.lists(
                    st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2099, 12, 31))),
                    min_size=n,
                    max_size=n,
                )
            )
            frame[name] = pd.Series(pd.to_datetime(days)).astype("datetime64[ns]")
    return ResponseTable(
        INSTRUMENT.ref,
        ResponseMatrix(codes=tuple(codes), values=values, dont_know=dont_know),
        texts=texts,
        characteristics=pd.DataFrame(frame, index=pd.RangeIndex(n)),
        respondent_keys=keys,
    )


def assert_same(a: ResponseTable, b: ResponseTable, fmt: str) -> None:
    assert a.instrument_ref == b.instrument_ref, fmt
    assert a.matrix.codes == b.matrix.codes, fmt
    np.testing.assert_array_equal(a.matrix.values, b.matrix.values, err_msg=fmt)
    assert a.matrix.dont_know is not None and b.matrix.dont_know is not None
    np.testing.assert_array_equal(a.matrix.dont_know, b.matrix.dont_know, err_msg=fmt)
    assert a.texts == b.texts, fmt
    assert a.respondent_keys == b.respondent_keys, fmt
    pd.testing.assert_frame_equal(a.characteristics, b.characteristics, obj=fmt)


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(table=tables())
def test_every_format_round_trips(table: ResponseTable) -> None:
    mapping = ImportMapping().with_characteristics(
        {c: CHAR_TYPES[c] for c in table.characteristics.columns}
    )
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            path = Path(folder) / f"wave.{fmt}"
            write_responses(path, table, INSTRUMENT)
            back = read_responses(path, INSTRUMENT, mapping=mapping)
            assert_same(back, table, fmt)
