"""The questionnaire as respondents go through it: pages, and the answers of one page.

Pure rules, no database or web:

- :func:`paginate` splits an instrument into pages: one section (a SERVQUAL dimension,
  the CVS block …) per page, and a section with more items than its ``max_per_page``
  over several pages of (nearly) equal size — 7 items at most 5 per page become 4 + 3,
  not 5 + 2.
- :func:`read_page` turns the submitted form of one page into answers and
  :class:`~gapsight.domain.problems.FieldProblem` s: a required item left empty, a
  value off the item's scale, text that is too long, and an importance allocation
  that does not add up to its total (the sum is computed here, on the server, and
  returned so the page can show the running total). Fields the page does not ask —
  unknown item codes, "don't know" on an item that does not offer it, a field sent
  twice — are not a respondent's mistake but a tampered form: :class:`TamperedForm`.

Form fields are named by item code; names starting with ``_`` are reserved for the
page itself (``_page`` …) and never clash with codes, which start with a letter.
"Don't know" is sent as the value ``dk``.

Example::

    >>> from gapsight.instruments import load_builtin
    >>> cvs = load_builtin("cvs")
    >>> [p.codes for p in paginate(cvs, cvs.modules)]
    [('cvs_satisfaction', 'cvs_loyalty', 'cvs_recommend')]
    >>> page = paginate(cvs, cvs.modules)[0]
    >>> got = read_page(cvs, page, [("cvs_satisfaction", "8"), ("cvs_loyalty", "11")])
    >>> got.values["cvs_satisfaction"], [(p.field, p.code) for p in got.problems]
    (8.0, [('cvs_loyalty', 'out_of_range'), ('cvs_recommend', 'required')])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gapsight.domain.problems import FieldProblem
from gapsight.instruments.model import Instrument

__all__ = [
    "DONT_KNOW",
    "MAX_TEXT",
    "RESERVED_PREFIX",
    "Page",
    "PageAnswers",
    "SumCheck",
    "TamperedForm",
    "paginate",
    "read_page",
]

DONT_KNOW = "dk"
"""The form value of the "don't know" option."""
MAX_TEXT = 2000
"""Characters allowed in one free-text answer."""
RESERVED_PREFIX = "_"
"""Form fields starting with this belong to the page, not to an item."""


class TamperedForm(ValueError):
    """The form holds fields or values the page never offered (not a respondent's
    mistake: answered with 400 and nothing is stored)."""


@dataclass(frozen=True)
class Page:
    """One questionnaire page: ``number`` (1-based), the section it shows and which
    part of that section (``part`` of ``parts``), and the item codes on it."""

    number: int
    section: str
    part: int
    parts: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class SumCheck:
    """The running total of one sum constraint as the server computed it."""

    codes: tuple[str, ...]
    total: int
    target: int


@dataclass(frozen=True)
class PageAnswers:
    """The answers read from one page's form.

    Attributes:
        values: numeric answers per code on the page (``None``: not answered or
            "don't know").
        dont_know: codes answered "don't know".
        texts: free-text answers per code (empty string: not answered).
        raw: what was sent per code, to show the form again as the respondent left it.
        problems: every rule the answers break, in page order.
        sums: running totals of the sum constraints on this page.
    """

    values: dict[str, float | None]
    dont_know: frozenset[str]
    texts: dict[str, str]
    raw: dict[str, str]
    problems: tuple[FieldProblem, ...]
    sums: tuple[SumCheck, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the page may be saved."""
        return not self.problems


def _split(n: int, most: int) -> list[int]:
    """Sizes of ``ceil(n / most)`` nearly equal chunks (larger chunks first)."""
    chunks = -(-n // most)
    base, extra = divmod(n, chunks)
    return [base + 1 if i < extra else base for i in range(chunks)]


def paginate(instrument: Instrument, modules: Mapping[str, bool]) -> tuple[Page, ...]:
    """The pages of ``instrument`` with ``modules`` switched on or off (a section of a
    module that is off is left out)."""
    pages: list[Page] = []
    for section in instrument.sections:
        if section.module is not None and not modules.get(
            section.module, instrument.modules.get(section.module, False)
        ):
            continue
        codes = [it.code for it in section.items]
        sizes = _split(len(codes), section.max_per_page)
        start = 0
        for part, size in enumerate(sizes, start=1):
            pages.append(
                Page(
                    number=len(pages) + 1,
                    section=section.id,
                    part=part,
                    parts=len(sizes),
                    codes=tuple(codes[start : start + size]),
                )
            )
            start += size
    return tuple(pages)


def _one_value_per_field(form: Sequence[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in form:
        if name.startswith(RESERVED_PREFIX) or name == "csrf_token":
            continue
        if name in out:
            raise TamperedForm(f"field {name!r} was sent more than once")
        out[name] = value
    return out


def read_page(
    instrument: Instrument,
    page: Page,
    form: Sequence[tuple[str, str]],
    *,
    saved: Mapping[str, float | None] | None = None,
) -> PageAnswers:
    """Read the answers to ``page`` from ``form`` (``(name, value)`` pairs as sent).

    ``saved`` holds the numeric answers stored earlier, used for sum constraints whose
    items are spread over several pages. Raises :class:`TamperedForm` for a field that
    is not an item of this page, or "don't know" on an item that does not offer it.
    """
    sent = _one_value_per_field(form)
    unknown = sorted(set(sent) - set(page.codes))
    if unknown:
        raise TamperedForm(f"page {page.number} has no item(s) {', '.join(unknown)}")
    values: dict[str, float | None] = {}
    dont_know: set[str] = set()
    texts: dict[str, str] = {}
    raw: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for code in page.codes:
        item = instrument.item(code)
        scale = instrument.scale(item.scale)
        text = sent.get(code, "").strip()
        raw[code] = text
        if scale.kind == "text":
            texts[code] = text
            if len(text) > MAX_TEXT:
                problems.append(
                    FieldProblem(code, "too_long", f"{code}: at most {MAX_TEXT} characters")
                )
            elif item.required and not text:
                problems.append(FieldProblem(code, "required", f"{code}: answer this question"))
            continue
        values[code] = None
        if text == DONT_KNOW:
            if not item.dont_know:
                raise TamperedForm(f"item {code} does not offer don't know")
            dont_know.add(code)
            continue
        if not text:
            if item.required:
                problems.append(FieldProblem(code, "required", f"{code}: answer this question"))
            continue
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            problems.append(FieldProblem(code, "not_a_number", f"{code}: not a number: {text!r}"))
            continue
        if number != number or not scale.admits(number):
            problems.append(
                FieldProblem(code, "out_of_range", f"{code}: expected {scale.describe()}")
            )
            continue
        values[code] = number
    sums: list[SumCheck] = []
    for constraint in instrument.constraints:
        on_page = [c for c in constraint.codes if c in page.codes]
        if not on_page:
            continue
        merged = {**(saved or {}), **values}
        answered = [merged.get(c) for c in constraint.codes]
        total = int(sum(v for v in answered if v is not None))
        sums.append(SumCheck(tuple(constraint.codes), total, constraint.total))
        if all(v is not None for v in answered) and total != constraint.total:
            problems.append(
                FieldProblem(
                    on_page[0],
                    "sum",
                    f"the points add up to {total}, they must add up to {constraint.total}",
                )
            )
    return PageAnswers(
        values=values,
        dont_know=frozenset(dont_know),
        texts=texts,
        raw=raw,
        problems=tuple(problems),
        sums=tuple(sums),
    )
