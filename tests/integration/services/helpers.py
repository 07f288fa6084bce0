"""Small builders shared by the service integration tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from gapsight.analysis.matrix import ResponseMatrix
from gapsight.instruments.model import Instrument
from gapsight.instruments.registry import parse_yaml
from gapsight.io.table import ResponseTable
from gapsight.services.organisations import create_organisation
from gapsight.services.studies import create_study
from gapsight.store.models import Study

SMALL = """
id: small
version: 1
title: {nl: Klein, en: Small}
scales:
  - {id: a5, kind: agreement, min: 1, max: 5}
  - {id: open, kind: text}
sections:
  - id: s1
    title: {nl: Deel, en: Part}
    items:
      - {code: q1, scale: a5, text: {nl: Een, en: One}}
      - {code: q2, scale: a5, dont_know: true, text: {nl: Twee, en: Two}}
      - {code: q3, scale: a5, required: false, text: {nl: Drie, en: Three}}
      - {code: remark, scale: open, required: false, text: {nl: Opmerking, en: Remark}}
"""


def small_instrument() -> Instrument:
    """A 3-item agreement instrument with a don't-know item and a text item."""
    return parse_yaml(SMALL)


def make_study(session: Session, **overrides: Any) -> Study:
    """An organisation and a customer study on the small instrument."""
    from gapsight.services.instruments import register

    org = create_organisation(session, "Acme")
    version = register(session, small_instrument())
    kwargs: dict[str, Any] = {
        "organisation_id": org.id,
        "name": "KTO 2026",
        "kind": "customer",
        "instrument": version.id,
        "anonymity_mode": "choice",
    }
    kwargs.update(overrides)
    return create_study(session, **kwargs)


def table(
    rows: Sequence[Sequence[float]],
    *,
    dk: Sequence[Sequence[bool]] | None = None,
    remarks: Sequence[str | None] | None = None,
    characteristics: pd.DataFrame | None = None,
    keys: list[str | None] | None = None,
    codes: tuple[str, ...] = ("q1", "q2", "q3"),
) -> ResponseTable:
    """A ResponseTable for the small instrument."""
    values = np.array(rows, dtype=np.float64)
    mask = None if dk is None else np.array(dk, dtype=np.bool_)
    return ResponseTable(
        instrument_ref="small@1",
        matrix=ResponseMatrix(codes=codes, values=values, dont_know=mask),
        texts={} if remarks is None else {"remark": list(remarks)},
        characteristics=pd.DataFrame(index=range(len(rows)))
        if characteristics is None
        else characteristics,
        respondent_keys=keys,
    )
