"""Sample import: contacts with a valid e-mail address and typed characteristics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gapsight.io import ImportMapping, ImportRejected, read_sample


def test_contacts_and_characteristics(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "E-mail;Naam;language;external_id;segment\n"
        "a@example.org;An;EN;17;retail\n"
        "b@example.nl;;;;b2b\n"
    )
    mapping = ImportMapping(columns={"E-mail": "email", "Naam": "name"}).with_characteristics(
        {"segment": "string"}
    )
    sample = read_sample(path, mapping=mapping)
    assert sample.n == 2
    assert sample.contacts["email"].tolist() == ["a@example.org", "b@example.nl"]
    assert sample.contacts["language"].tolist() == ["en", "nl"]
    assert sample.contacts["external_id"].tolist()[0] == "17"
    assert sample.characteristics["segment"].tolist() == ["retail", "b2b"]


def test_email_required_valid_and_unique(write_csv: Callable[..., Path]) -> None:
    path = write_csv("email,language\na@example.org,nl\n,en\nnot-an-address,nl\nA@example.org,de\n")
    with pytest.raises(ImportRejected) as info:
        read_sample(path)
    assert [str(p) for p in info.value.problems] == [
        "row 3, column 'email'; expected an e-mail address (required)",
        "row 4, column 'email': got 'not-an-address'; expected a valid e-mail address like "
        "name@example.org",
        "row 5, column 'email': got 'A@example.org'; expected a unique e-mail address",
        "row 5, column 'language': got 'de'; expected nl or en (empty: nl)",
    ]


def test_email_column_required_and_unknown_columns(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(ImportRejected) as info:
        read_sample(write_csv("name,segment\nAn,x\n"))
    assert [str(p) for p in info.value.problems] == [
        "column 'segment'; expected a contact field (email, name, language, external_id) or "
        "a column declared in the mapping (columns, characteristics, ignore)",
        "column 'email'; expected a column 'email' (required)",
    ]


def test_sample_from_excel(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["email", "name", "employees"])
    ws.append(["a@example.org", "An", 12])
    ws.append([None, None, None])
    ws.append(["b@example.org", "Bo", 3])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    sample = read_sample(
        path, mapping=ImportMapping().with_characteristics({"employees": "integer"})
    )
    assert sample.contacts["name"].tolist() == ["An", "Bo"]
    assert sample.characteristics["employees"].tolist() == [12, 3]
