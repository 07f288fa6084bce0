"""SPSS files against GNU PSPP, the reference implementation we can run.

1. PSPP writes a .sav from syntax (DATA LIST, VARIABLE LABELS, VALUE LABELS, MISSING
   VALUES, SAVE OUTFILE); gapsight imports it and must find the same values, the
   declared missing code as "don't know", texts, keys and characteristics.
2. gapsight exports a .sav; PSPP reads it back (GET FILE, DISPLAY DICTIONARY, LIST,
   written as CSV with ``pspp -O format=csv``) and must show the same values, variable
   labels, value labels and missing codes.
3. A .sav written by PSPP with a value label outside the item's scale is rejected.

The expected values are the literals in the PSPP syntax below, not our own output.
Needs the Debian package ``pspp``; skipped without it unless GAPSIGHT_REQUIRE_ALL is
set (CI), where a missing PSPP is an error.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments import load_builtin, parse_yaml
from gapsight.instruments.model import Instrument
from gapsight.io import (
    ImportMapping,
    ImportRejected,
    ResponseTable,
    read_responses,
    write_responses,
)

pytestmark = pytest.mark.pspp

MINI = """
id: mini
languages: [en, nl]
title: {en: Mini, nl: Mini}
scales:
  - id: agree5
    kind: agreement
    min: 1
    max: 5
    points:
      - {value: 1, label: {en: strongly disagree, nl: helemaal mee oneens}}
      - {value: 5, label: {en: strongly agree, nl: helemaal mee eens}}
  - {id: grade, kind: grade, min: 1, max: 10}
  - id: kind
    kind: choice
    points:
      - {value: 1, label: {en: private, nl: particulier}}
      - {value: 3, label: {en: business, nl: zakelijk}}
  - {id: txt, kind: text}
sections:
  - id: s
    title: {en: S, nl: S}
    items:
      - {code: q1, text: {en: "{org} keeps its promises", nl: "{org} komt afspraken na"},
         scale: agree5, dont_know: true}
      - {code: q2, text: {en: Staff are polite, nl: Medewerkers zijn beleefd}, scale: agree5}
      - {code: grade, text: {en: Your grade, nl: Uw cijfer}, scale: grade}
      - {code: kind, text: {en: Customer type, nl: Soort klant}, scale: kind}
      - {code: remark, text: {en: "What could we do better?", nl: "Wat kan beter?"},
         scale: txt, required: false}
"""

WRITE_SYNTAX = """\
DATA LIST LIST (",") /RespNr (A8) Q1 q2 grade kind (F2.0) remark (A40) segment (A10)
  employees (F4.0) since (SDATE10).
BEGIN DATA
r1,1,2,7,1,fine,retail,12,2020/01/05
r2,6,5,,,,,,
r3,4,9,10,3,faster please,b2b,3,2021/03/04
END DATA.
VARIABLE LABELS Q1 'Keeps its promises' /q2 'Staff are polite'.
VALUE LABELS Q1 q2 1 'helemaal mee oneens' 5 'helemaal mee eens' 6 'weet niet'
  9 'geen antwoord' /kind 1 'particulier' 3 'zakelijk'.
MISSING VALUES Q1 q2 (6, 9).
SAVE OUTFILE='{out}'.
"""


@pytest.fixture(scope="module")
def pspp() -> str:
    found = shutil.which("pspp")
    if found is None:
        reason = "GNU PSPP is not installed (Debian package pspp)"
        if os.environ.get("GAPSIGHT_REQUIRE_ALL"):
            pytest.fail(f"{reason}; GAPSIGHT_REQUIRE_ALL is set, so this is an error")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def mini() -> Instrument:
    return parse_yaml(MINI, source="mini")


def run(pspp: str, syntax: str, folder: Path, output: Path | None = None) -> str:
    """Run PSPP on ``syntax``; return its CSV output (or stdout)."""
    sps = folder / "job.sps"
    sps.write_text(syntax, encoding="utf-8")
    args = [pspp, str(sps)]
    if output is not None:
        args = [pspp, "-O", "format=csv", "-o", str(output), str(sps)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return output.read_text("utf-8") if output is not None else done.stdout


def tables(text: str) -> dict[str, list[list[str]]]:
    """PSPP's CSV output split into its tables by their ``Table: <title>`` lines."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for record in csv.reader(io.StringIO(text)):
        if len(record) == 1 and record[0].startswith("Table: "):
            title = record[0].removeprefix("Table: ")
            current = [] if title not in found else None
            if current is not None:
                found[title] = current
        elif not record or record == [""]:
            current = None
        elif current is not None:
            current.append(record)
    return found


def test_import_sav_written_by_pspp(pspp: str, mini: Instrument, tmp_path: Path) -> None:
    out = tmp_path / "pspp.sav"
    run(pspp, WRITE_SYNTAX.format(out=out), tmp_path)
    mapping = ImportMapping(respondent_key="RespNr").with_characteristics(
        {"segment": "string", "employees": "integer", "since": "date"}
    )
    table = read_responses(out, mini, mapping=mapping)
    assert table.matrix.codes == ("q1", "q2", "grade", "kind")
    np.testing.assert_array_equal(
        table.matrix.values,
        [[1, 2, 7, 1], [np.nan, 5, np.nan, np.nan], [4, np.nan, 10, 3]],
    )
    # Q1 offers don't know: its user-missing 6 is don't know. q2 does not: 9 is skipped.
    assert table.matrix.dont_know is not None
    assert table.matrix.dont_know.tolist() == [
        [False] * 4,
        [True, False, False, False],
        [False] * 4,
    ]
    assert table.respondent_keys == ["r1", "r2", "r3"]
    assert table.texts == {"remark": ["fine", None, "faster please"]}
    chars = table.characteristics
    assert chars["segment"].tolist()[0::2] == ["retail", "b2b"]
    assert pd.isna(chars["segment"][1])
    assert chars["employees"].dtype == "Int64"
    assert chars["employees"].isna().tolist() == [False, True, False]
    assert chars["employees"].dropna().tolist() == [12, 3]
    assert [None if pd.isna(d) else d.date().isoformat() for d in chars["since"]] == [
        "2020-01-05",
        None,
        "2021-03-04",
    ]


def test_cvs_from_pspp_with_declared_missing(pspp: str, tmp_path: Path) -> None:
    out = tmp_path / "cvs.sav"
    syntax = f"""\
DATA LIST LIST /cvs_satisfaction cvs_loyalty cvs_recommend (F2.0).
BEGIN DATA
8 9 10
0 99 7
END DATA.
VALUE LABELS cvs_satisfaction cvs_loyalty cvs_recommend 0 'zeer slecht' 10 'uitstekend'
  99 'geen antwoord'.
MISSING VALUES cvs_satisfaction cvs_loyalty cvs_recommend (99).
SAVE OUTFILE='{out}'.
"""
    run(pspp, syntax, tmp_path)
    table = read_responses(out, load_builtin("cvs"))
    np.testing.assert_array_equal(table.matrix.values, [[8, 9, 10], [0, np.nan, 7]])
    assert table.matrix.dont_know is not None
    assert not table.matrix.dont_know.any()  # CVS items offer no don't know: skipped


def test_pspp_file_with_unexpected_labels_is_rejected(
    pspp: str, mini: Instrument, tmp_path: Path
) -> None:
    out = tmp_path / "odd.sav"
    syntax = f"""\
DATA LIST LIST /q1 q2 (F2.0).
BEGIN DATA
1 2
3 4
END DATA.
VALUE LABELS q2 1 'disagree' 7 'strongly agree' 8 'no opinion'.
SAVE OUTFILE='{out}'.
"""
    run(pspp, syntax, tmp_path)
    with pytest.raises(ImportRejected) as info:
        read_responses(out, mini)
    assert [(p.column, p.value) for p in info.value.problems] == [
        ("q2", "7 = 'strongly agree'"),
        ("q2", "8 = 'no opinion'"),
    ]
    assert all("value labels only on an integer 1-5" in p.expected for p in info.value.problems)


def exported(ins: Instrument) -> ResponseTable:
    values = np.array([[1, 2, 7, 1], [np.nan, 5, np.nan, np.nan], [4, np.nan, 10, 3]], float)
    dk = np.zeros_like(values, bool)
    dk[1, 0] = True
    return ResponseTable(
        ins.ref,
        ResponseMatrix(("q1", "q2", "grade", "kind"), values, dk),
        texts={"remark": ["fine", None, "faster, please"]},
        characteristics=pd.DataFrame(
            {
                "segment": pd.Series(["retail", None, "b2b"], dtype="str"),
                "employees": pd.array([12, None, 3], dtype="Int64"),
            }
        ),
        respondent_keys=["r1", "r2", "r3"],
    )


def test_pspp_reads_our_export(pspp: str, mini: Instrument, tmp_path: Path) -> None:
    sav = tmp_path / "ours.sav"
    write_responses(sav, exported(mini), mini, lang="nl", placeholders={"org": "Acme"})
    text = run(
        pspp,
        f"GET FILE='{sav}'.\nDISPLAY DICTIONARY.\nLIST.\n",
        tmp_path,
        tmp_path / "out.csv",
    )
    found = tables(text)

    variables = {r[0]: r for r in found["Variables"][1:]}
    header = found["Variables"][0]
    label, missing = header.index("Label"), header.index("Missing Values")
    assert list(variables) == [
        "respondent_key", "q1", "q2", "grade", "kind", "remark", "segment", "employees",
    ]  # fmt: skip
    assert variables["q1"][label] == "Acme komt afspraken na"
    assert variables["q2"][label] == "Medewerkers zijn beleefd"
    assert variables["remark"][label] == "Wat kan beter?"
    assert variables["q1"][missing] == "8"
    assert variables["q2"][missing] == ""

    value_labels: dict[str, dict[str, str]] = {}
    current = ""
    for row in found["Value Labels"][1:]:
        if len(row) < 3:  # the footnote line
            continue
        current = row[0] or current
        value_labels.setdefault(current, {})[row[1]] = row[2]
    assert value_labels["Acme komt afspraken na"] == {
        "1": "helemaal mee oneens",
        "5": "helemaal mee eens",
        "8[a]": "weet niet",  # [a]: PSPP's footnote "User-missing value"
    }
    assert value_labels["Soort klant"] == {"1": "particulier", "3": "zakelijk"}

    data = found["Data List"]
    assert data[0] == [
        "respondent_key", "q1", "q2", "grade", "kind", "remark", "segment", "employees",
    ]  # fmt: skip
    rows = [[cell.strip() for cell in row] for row in data[1:]]
    assert rows == [
        ["r1", "1", "2", "7", "1", "fine", "retail", "12"],
        ["r2", "8", "5", ".", ".", "", "", "."],
        ["r3", "4", ".", "10", "3", "faster, please", "b2b", "3"],
    ]


def test_pspp_round_trip_back_into_gapsight(pspp: str, mini: Instrument, tmp_path: Path) -> None:
    """Ours → PSPP (GET, SAVE) → ours: PSPP re-saving the file keeps everything."""
    sav = tmp_path / "ours.sav"
    again = tmp_path / "again.sav"
    table = exported(mini)
    write_responses(sav, table, mini)
    run(pspp, f"GET FILE='{sav}'.\nSAVE OUTFILE='{again}'.\n", tmp_path)
    mapping = ImportMapping().with_characteristics({"segment": "string", "employees": "integer"})
    back = read_responses(again, mini, mapping=mapping)
    np.testing.assert_array_equal(back.matrix.values, table.matrix.values)
    assert back.matrix.dont_know is not None and table.matrix.dont_know is not None
    np.testing.assert_array_equal(back.matrix.dont_know, table.matrix.dont_know)
    assert back.texts == table.texts and back.respondent_keys == table.respondent_keys
    pd.testing.assert_frame_equal(back.characteristics, table.characteristics)


SERVQUAL_SYNTAX = """\
DATA LIST LIST /resp (A4) E1 P1 E5 P5 wt wr wrs wa we (F3.0).
BEGIN DATA
a1 7 6 7 5 20 30 20 15 15
a2 6 8 5 3 20 20 20 20 {last}
a3 8 4 7 7 . . . . .
END DATA.
VALUE LABELS E1 P1 E5 P5 1 'helemaal mee oneens' 7 'helemaal mee eens' 8 'weet niet'.
MISSING VALUES E1 P1 E5 P5 (8).
SAVE OUTFILE='{out}'.
"""

AGENCY = ImportMapping(
    respondent_key="resp",
    columns={
        "E1": "e01", "P1": "p01", "E5": "e05", "P5": "p05", "wt": "w_tangibles",
        "wr": "w_reliability", "wrs": "w_responsiveness", "wa": "w_assurance",
        "we": "w_empathy",
    },
)  # fmt: skip


def test_servqual_agency_file(pspp: str, tmp_path: Path) -> None:
    """The built-in SERVQUAL-22 with an agency's own column names: "weet niet" (8,
    user-missing) is don't know on perceptions and skipped on expectations, which
    offer no don't know; importance points add up to 100."""
    sq = load_builtin("servqual22")
    out = tmp_path / "sq.sav"
    run(pspp, SERVQUAL_SYNTAX.format(out=out, last=20), tmp_path)
    table = read_responses(out, sq, mapping=AGENCY)
    assert table.matrix.codes[:4] == ("e01", "e05", "p01", "p05")
    np.testing.assert_array_equal(
        table.matrix.columns(["e01", "p01", "e05", "p05"]),
        [[7, 6, 7, 5], [6, np.nan, 5, 3], [np.nan, 4, 7, 7]],
    )
    assert table.matrix.dont_know_count("p01") == 1
    assert table.matrix.dont_know_count("e01") == 0
    assert table.respondent_keys == ["a1", "a2", "a3"]
    np.testing.assert_array_equal(table.matrix.column("w_reliability"), [30, 20, np.nan])

    bad = tmp_path / "sq-bad.sav"
    run(pspp, SERVQUAL_SYNTAX.format(out=bad, last=25), tmp_path)
    with pytest.raises(ImportRejected) as info:
        read_responses(bad, sq, mapping=AGENCY)
    assert [str(p) for p in info.value.problems] == [
        "row 2, column 'w_tangibles+w_reliability+w_responsiveness+w_assurance+w_empathy': "
        "got '105'; expected answers that add up to 100"
    ]
