"""Reading forms: typed values and a message per field."""

from __future__ import annotations

import datetime as dt

from gapsight.domain.problems import FieldProblem
from gapsight.web.forms import FormReader


def test_values_and_messages() -> None:
    form = FormReader(
        {
            "n": " 7 ",
            "x": "0,95",
            "d": "2026-02-30",
            "days": "7, 14 21",
            "bad": "seven",
            "emails": "a@x.org\nb@x.org, c@x.org",
        },
        gettext=str,
    )
    assert form.integer("n") == 7
    assert form.number("x") == 0.95
    assert form.date("d") is None
    assert form.integers("days") == [7, 14, 21]
    assert form.integer("bad") is None
    assert form.lines("emails") == ["a@x.org", "b@x.org", "c@x.org"]
    assert form.text("missing", required=True) == ""
    assert form.errors == {
        "d": "Enter a date as YYYY-MM-DD.",
        "bad": "Enter a whole number, such as 5.",
        "missing": "Fill in this field.",
    }
    assert form.values["n"] == "7"  # raw text kept for showing the form again
    assert not form.ok


def test_dates_choices_and_domain_problems() -> None:
    form = FormReader({"d": "2026-03-01", "c": "blue"}, gettext=str)
    assert form.date("d") == dt.date(2026, 3, 1)
    assert form.choice("c", ("red", "green")) == "blue"
    form.add_problems(
        [FieldProblem("d", "late", "too late"), FieldProblem("e", "odd", "odd value")],
        {"late": "Te laat."},
    )
    assert form.errors == {"c": "Choose one of the options.", "d": "Te laat.", "e": "odd value"}
