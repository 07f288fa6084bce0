"""The answer codec: one function writes all four answer columns of a response.

A response's answers are stored three ways at once (see :mod:`gapsight.store.models`):
a packed float32 ``vector`` for fast loading, a ``dont_know`` bitmask, and an
``answers`` JSON object for ad-hoc queries, plus ``texts`` for free-text answers.
Because :func:`encode` derives all of them from the same arrays in one pass, they can
never disagree. :func:`decode` turns the vectors of a whole wave back into a
``float64`` matrix with one ``bytes.join`` and one ``numpy.frombuffer``.

Why float32: every admissible answer is a small integer (scales run 0–100), which
float32 represents exactly, at half the size of float64. Positions follow the
instrument version's ``numeric_codes()``, which never change because versions are
immutable.

Example::

    >>> import numpy as np
    >>> enc = encode(("a", "b"), np.array([[5.0, np.nan]]), np.array([[False, True]]))
    >>> enc.answers[0]
    '{"a":5,"b":"dk"}'
    >>> values, dk = decode(enc.vectors, enc.dont_know, 2)
    >>> values.tolist(), dk.tolist()
    ([[5.0, nan]], [[False, True]])
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["DONT_KNOW", "Encoded", "decode", "decode_packed", "decode_row", "encode"]

DONT_KNOW = "dk"
"""The value stored in the ``answers`` JSON for a "don't know" answer."""


@dataclass(frozen=True)
class Encoded:
    """The four answer columns for ``n`` responses, ready for ``executemany``."""

    vectors: list[bytes]
    dont_know: list[bytes | None]
    answers: list[str]
    texts: list[str | None]


def encode(
    codes: Sequence[str],
    values: npt.NDArray[np.float64],
    dont_know: npt.NDArray[np.bool_] | None = None,
    texts: Mapping[str, Sequence[str | None]] | None = None,
) -> Encoded:
    """Encode ``values`` (``n × len(codes)``, ``NaN`` = missing) and the optional
    don't-know mask and free-text columns.

    A don't-know cell must be ``NaN`` in ``values`` (don't know is never a number);
    ``ValueError`` otherwise.
    """
    values = np.asarray(values, dtype=np.float64)
    n, k = values.shape if values.ndim == 2 else (-1, -1)
    if k != len(codes):
        raise ValueError(f"values has shape {values.shape}, expected (n, {len(codes)})")
    if dont_know is not None:
        if dont_know.shape != values.shape:
            raise ValueError("dont_know mask must have the shape of values")
        if bool((dont_know & ~np.isnan(values)).any()):
            raise ValueError("a don't-know answer must be missing (NaN) in values")
    packed = np.ascontiguousarray(values, dtype="<f4").tobytes()
    width = 4 * k
    vectors = [packed[i * width : (i + 1) * width] for i in range(n)]
    return Encoded(
        vectors=vectors,
        dont_know=_pack_dont_know(dont_know, n),
        answers=_answers_json(codes, values, dont_know),
        texts=_texts_json(texts or {}, n),
    )


def _pack_dont_know(mask: npt.NDArray[np.bool_] | None, n: int) -> list[bytes | None]:
    if mask is None or not mask.any():
        return [None] * n
    bits = np.packbits(mask, axis=1, bitorder="little")
    width = bits.shape[1]
    flat = bits.tobytes()
    any_dk: npt.NDArray[np.bool_] = np.asarray(mask.any(axis=1))
    return [flat[i * width : (i + 1) * width] if bool(any_dk[i]) else None for i in range(n)]


def _answers_json(
    codes: Sequence[str], values: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_] | None
) -> list[str]:
    """``{"code": value | "dk", …}`` per row, missing answers left out.

    Built with Arrow kernels, because a Python loop over a million rows would
    dominate a bulk import: :func:`_list_join_json` for whole-number answers (the
    normal case); otherwise each column becomes a dictionary-encoded array of its few
    possible ``,"code":value`` tokens (``""`` = missing), one element-wise join glues
    the tokens of a row together, and the leading comma is cut off. A few rows (one
    web page) take a plain Python loop.
    """
    n = values.shape[0]
    if not codes or n == 0:
        return ["{}"] * n
    if n <= _FEW_ROWS:
        few = _few_rows_json(codes, values, mask)
        if few is not None:
            return few
    listed = _list_join_json(codes, values, mask)
    if listed is not None:
        return listed
    columns = np.asfortranarray(values)  # contiguous columns convert fast
    parts = [
        _tokens(code, columns[:, j], None if mask is None or not mask[:, j].any() else mask[:, j])
        for j, code in enumerate(codes)
    ]
    body = pc.binary_join_element_wise(*parts, "")
    wrapped = pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 1), "}", "")
    return [str(s) for s in wrapped.to_pylist()]


def _list_join_json(
    codes: Sequence[str], values: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_] | None
) -> list[str] | None:
    """The bulk path for whole-number answers (``None`` when a column holds other
    values or spans more than 1000 points; the per-column path then runs).

    Every cell gets an index into one table of ``"code":value`` tokens (all columns'
    tokens, plus ``"code":"dk"``; -1 = missing). The present cells in row-major order,
    with per-row offsets, form an Arrow list array of tokens that one ``binary_join``
    turns into the rows' bodies — measured about 40 % less CPU than joining 50
    column arrays element-wise.
    """
    n, k = values.shape
    words: list[str] = []
    index = np.empty((n, k), dtype=np.int32)
    for j, code in enumerate(codes):
        col = values[:, j]
        missing = np.isnan(col)
        finite = col[~missing]
        lo = int(finite.min()) if finite.size else 0
        hi = int(finite.max()) if finite.size else 0
        if hi - lo > 1000 or not np.array_equal(finite, np.round(finite)):
            return None
        key = json.dumps(code) + ":"
        column_words = [*(f"{key}{v}" for v in range(lo, hi + 1)), key + json.dumps(DONT_KNOW)]
        cells = np.where(missing, -1, col - lo + len(words)).astype(np.int32)
        if mask is not None:
            cells[mask[:, j]] = len(words) + len(column_words) - 1
        index[:, j] = cells
        words.extend(column_words)
    present = index >= 0
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    tokens = pa.DictionaryArray.from_arrays(pa.array(index[present]), pa.array(words))
    rows = pa.ListArray.from_arrays(pa.array(offsets), tokens.dictionary_decode())
    wrapped = pc.binary_join_element_wise("{", pc.binary_join(rows, ","), "}", "")
    return [str(s) for s in wrapped.to_pylist()]


_FEW_ROWS = 32
"""Up to this many rows, a plain Python loop builds the JSON faster than Arrow's
per-column kernels (one web page saves one row: about 0.1 ms instead of 30 ms)."""


def _few_rows_json(
    codes: Sequence[str], values: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_] | None
) -> list[str] | None:
    """The same JSON as the Arrow path for a few rows of whole-number answers, or
    ``None`` (then the Arrow path runs) when some answer is not a whole number."""
    finite = values[~np.isnan(values)]
    if not np.array_equal(finite, np.round(finite)) or (
        finite.size and np.abs(finite).max() > 2**53
    ):
        return None
    keys = _json_keys(tuple(codes))
    dk_word = json.dumps(DONT_KNOW)
    out = []
    for i in range(values.shape[0]):
        row = values[i].tolist()
        flags = mask[i].tolist() if mask is not None else [False] * len(codes)
        parts = [
            key + (dk_word if flag else str(int(v)))
            for key, v, flag in zip(keys, row, flags, strict=True)
            if flag or v == v
        ]
        out.append("{" + ",".join(parts) + "}")
    return out


@functools.lru_cache(maxsize=256)
def _json_keys(codes: tuple[str, ...]) -> list[str]:
    """``'"code":'`` for each code (an instrument's codes are encoded page after page)."""
    return [json.dumps(code) + ":" for code in codes]


def _tokens(code: str, col: npt.NDArray[np.float64], dk: npt.NDArray[np.bool_] | None) -> pa.Array:
    """The ``,"code":value`` token of every row of one column, ``""`` where missing
    (``dk``: the column's don't-know mask, ``None`` when it has none)."""
    key = "," + json.dumps(code) + ":"
    dk_word = key + json.dumps(DONT_KNOW)
    missing = np.isnan(col)
    finite = col[~missing]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 0.0
    if hi - lo <= 1000 and np.array_equal(finite, np.round(finite)):
        words = ["", *(f"{key}{v}" for v in range(int(lo), int(hi) + 1)), dk_word]
        idx = np.where(missing, 0, col - lo + 1).astype(np.int32)
        if dk is not None:
            idx[dk] = len(words) - 1
        return pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(words)).dictionary_decode()
    text = pc.binary_join_element_wise(
        key, pc.cast(pa.array(col, from_pandas=True), pa.string()), ""
    )
    if dk is not None:
        text = pc.if_else(pa.array(dk), pa.scalar(dk_word), text)
    return pc.fill_null(text, "")


def _texts_json(texts: Mapping[str, Sequence[str | None]], n: int) -> list[str | None]:
    out: list[str | None] = [None] * n
    if not texts:
        return out
    for code, col in texts.items():
        if len(col) != n:
            raise ValueError(f"text column {code!r} has {len(col)} rows, expected {n}")
    names = list(texts)
    for i in range(n):
        row = {c: texts[c][i] for c in names if texts[c][i] not in (None, "")}
        if row:
            out[i] = json.dumps(row, ensure_ascii=False)
    return out


def decode(
    vectors: Sequence[bytes], dont_know: Sequence[bytes | None], k: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """``(values, dont_know)`` of ``n`` packed rows of ``k`` answers each.

    Raises ``ValueError`` when a vector does not hold ``k`` answers (a row written for
    another instrument version).
    """
    n = len(vectors)
    width = (k + 7) // 8
    if all(d is None for d in dont_know):
        return decode_packed(b"".join(vectors), None, n, k)
    zero = bytes(width)
    bits = b"".join(zero if d is None else d for d in dont_know)
    return decode_packed(b"".join(vectors), bits, n, k)


def decode_packed(
    vectors: bytes | Sequence[bytes | memoryview],
    dont_know: bytes | Sequence[bytes | memoryview] | None,
    n: int,
    k: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """:func:`decode` of ``n`` rows already concatenated: ``vectors`` holds ``n × 4k``
    bytes, ``dont_know`` ``n × ceil(k/8)`` bytes (zero bytes: none) or is ``None``.
    Either may come in consecutive parts (say, one per stored block): each part is
    converted straight into its rows of the result, without joining them first."""
    width = (k + 7) // 8
    vector_parts = _parts(vectors)
    if sum(len(p) for p in vector_parts) != 4 * k * n:
        raise ValueError(f"stored answer vectors do not hold {k} answers per response")
    values = np.empty((n, k), dtype=np.float64)
    mask = np.zeros((n, k), dtype=np.bool_)
    if k == 0:
        return values, mask
    jobs: list[Callable[[], None]] = []
    row = 0
    for part in vector_parts:
        m = len(part) // (4 * k)
        jobs.append(partial(_fill_values, values[row : row + m], part))
        row += m
    if dont_know is not None:
        dk_parts = _parts(dont_know)
        if sum(len(p) for p in dk_parts) != width * n:
            raise ValueError(f"stored don't-know masks do not hold {k} answers per response")
        row = 0
        for part in dk_parts:
            m = len(part) // width
            jobs.append(partial(_fill_mask, mask[row : row + m], part))
            row += m
    _run(jobs, 4 * k * n)
    return values, mask


_PARALLEL_BYTES = 16 << 20
"""From this many bytes of vectors on, the parts are converted on several threads
(NumPy releases the GIL while casting; writing a large result into fresh memory is
most of a load's time, and it parallelises)."""


def _run(jobs: list[Callable[[], None]], size: int) -> None:
    workers = min(len(jobs), os.cpu_count() or 1, 8)
    if workers < 2 or size < _PARALLEL_BYTES:
        for job in jobs:
            job()
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


def _fill_values(out: npt.NDArray[np.float64], part: bytes | memoryview) -> None:
    out[:] = np.frombuffer(part, dtype="<f4").reshape(out.shape)


def _fill_mask(out: npt.NDArray[np.bool_], part: bytes | memoryview) -> None:
    m, k = out.shape
    bits = np.frombuffer(part, dtype=np.uint8).reshape(m, (k + 7) // 8)
    out[:] = np.unpackbits(bits, axis=1, count=k, bitorder="little").view(np.bool_)


def _parts(packed: bytes | Sequence[bytes | memoryview]) -> list[bytes | memoryview]:
    return [packed] if isinstance(packed, bytes | memoryview) else list(packed)


def decode_row(
    codes: Sequence[str], vector: bytes, dont_know: bytes | None
) -> dict[str, float | str | None]:
    """One response as ``{code: value | "dk" | None}`` (for detail views)."""
    values, mask = decode([vector], [dont_know], len(codes))
    out: dict[str, float | str | None] = {}
    flags: list[bool] = mask[0].tolist()
    for code, v, flag in zip(codes, values[0].tolist(), flags, strict=True):
        out[code] = DONT_KNOW if flag else (None if v != v else v)  # v != v: NaN
    return out
