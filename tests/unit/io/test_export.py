"""The export columns shared by every output format."""

from __future__ import annotations

import pandas as pd

from gapsight.instruments.model import Instrument
from gapsight.io import ResponseTable
from gapsight.io.export import export_columns, export_frame


def test_columns_order_labels_and_codes(mini: Instrument, sample: ResponseTable) -> None:
    cols = export_columns(sample, mini, "nl", {"org": "Acme"})
    assert [(c.name, c.kind) for c in cols][:6] == [
        ("respondent_key", "key"),
        ("q1", "item"),
        ("q2", "item"),
        ("grade", "item"),
        ("kind", "item"),
        ("remark", "text"),
    ]
    q1 = cols[1]
    assert q1.label == "Acme komt afspraken na" and q1.dont_know_code == 8
    assert cols[2].dont_know_code is None  # q2 offers no don't know
    assert q1.codes().tolist() == [1, 8, 4]
    assert [c.char_type for c in cols if c.kind == "characteristic"] == [
        "string",
        "integer",
        "boolean",
        "date",
        "float",
    ]
    frame = export_frame(cols)
    assert str(frame["grade"].dtype) == "Int64"
    assert frame["grade"].isna().tolist() == [False, True, False]
    assert list(frame.columns) == [c.name for c in cols]


def test_without_keys_no_key_column(mini: Instrument, sample: ResponseTable) -> None:
    anonymous = ResponseTable(sample.instrument_ref, sample.matrix, sample.texts, pd.DataFrame())
    names = [c.name for c in export_columns(anonymous, mini, "en")]
    assert names == ["q1", "q2", "grade", "kind", "remark"]
