"""PostgreSQL ``COPY … FROM STDIN`` text built column-wise, without a loop per row.

``psycopg``'s ``copy.write_row`` formats one row at a time in Python; for a million
responses that is most of the client's time in a bulk import. This module formats
whole columns with Arrow kernels and NumPy instead, into the text format of ``COPY``
(fields separated by tabs, rows ended by newlines, ``\\N`` for NULL, backslash
escapes), and joins them into one buffer to pass to ``copy.write``.

Example::

    >>> import numpy as np
    >>> lines(
    ...     [constant("7"), text(["a\\tb", None]), hex_bytes(b"\\x01\\xff\\x00\\x10", 2)], 2
    ... )
    b'7\\ta\\\\tb\\t\\\\\\\\x01ff\\n7\\t\\\\N\\t\\\\\\\\x0010\\n'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NULL", "Field", "constant", "hex_bytes", "lines", "text"]

NULL = "\\N"
"""How ``COPY``'s text format writes NULL."""

Field: TypeAlias = Any
"""One column of the output: a ``pyarrow`` binary array of ready field texts, or a
binary scalar for every row (``pyarrow`` has no type hints, hence ``Any``)."""

_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_NEEDS_ESCAPE = "[\\\\\t\n\r]"


def constant(value: str | None) -> pa.Scalar:
    """The same field in every row (``None``: NULL); ``value`` is escaped."""
    if value is None:
        return pa.scalar(NULL, pa.binary())
    for raw, escaped in _ESCAPES:
        value = value.replace(raw, escaped)
    return pa.scalar(value.encode(), pa.binary())


def text(values: Sequence[str | None] | pa.Array) -> pa.Array:
    """Text fields, escaped; ``None`` becomes NULL."""
    array = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    if array.type != pa.string():
        array = array.cast(pa.string())
    if (
        array.null_count < len(array)
        and pc.any(pc.match_substring_regex(array, _NEEDS_ESCAPE)).as_py()
    ):
        for raw, escaped in _ESCAPES:
            array = pc.replace_substring(array, raw, escaped)
    return pc.fill_null(array, NULL).cast(pa.binary())


def hex_bytes(packed: bytes, width: int, present: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """``bytea`` fields of ``width`` bytes each from the concatenated ``packed`` bytes,
    in hex input form (``\\x0a1b…``, the backslash escaped); NULL where ``present``
    is false."""
    n = len(packed) // width if width else 0
    out = np.empty((n, 3 + 2 * width), dtype=np.uint8)
    out[:, :3] = np.frombuffer(b"\\\\x", dtype=np.uint8)
    out[:, 3:] = np.frombuffer(packed.hex().encode(), dtype=np.uint8).reshape(n, 2 * width)
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(3 + 2 * width), n, [None, pa.py_buffer(out.tobytes())]
    )
    fields = fixed.cast(pa.binary())
    if present is None:
        return fields
    return pc.if_else(pa.array(present, type=pa.bool_()), fields, pa.scalar(NULL, pa.binary()))


def lines(fields: Sequence[Field], n: int) -> bytes:
    """``n`` rows of ``COPY`` text from the columns ``fields`` (arrays of ``n`` field
    texts, or scalars repeated on every row)."""
    if n == 0:
        return b""
    args = list(fields)
    if not any(isinstance(a, pa.Array) for a in args):
        args[0] = pa.array([fields[0].as_py()] * n, pa.binary())
    body = pc.binary_join_element_wise(*args, pa.scalar(b"\t", pa.binary()))
    rows = pc.binary_join_element_wise(
        body, pa.scalar(b"\n", pa.binary()), pa.scalar(b"", pa.binary())
    )
    # the rows lie back to back in the data buffer: take it whole, not row by row
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset :]
    data = rows.buffers()[2]
    payload: bytes = data[int(offsets[0]) : int(offsets[len(rows)])].to_pybytes()
    return payload
