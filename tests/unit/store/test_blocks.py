"""The answer block codec: what goes into blocks comes out identical."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gapsight.store.answers import decode_packed, encode
from gapsight.store.blocks import WaveColumns, decode_blocks, encode_blocks, joined


def _columns(n: int, k: int, *, seed: int = 0, with_dk: bool = True) -> WaveColumns:
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 8, size=(n, k)).astype(np.float64)
    values[rng.random((n, k)) < 0.1] = np.nan
    dk = (rng.random((n, k)) < 0.05) & with_dk
    values[dk] = np.nan
    enc = encode(tuple(f"q{j}" for j in range(k)), values, dk)
    width = (k + 7) // 8
    any_dk = any(d is not None for d in enc.dont_know)
    return WaveColumns.build(
        ids=np.sort(rng.choice(2**53, size=n, replace=False)),
        statuses=rng.choice(["started", "partial", "complete"], size=n).tolist(),
        respondent_keys=[None if i % 3 else f"key-{i}" for i in range(n)],
        vectors=b"".join(enc.vectors),
        dont_know=b"".join(d or bytes(width) for d in enc.dont_know) if any_dk else None,
        characteristics=[None if i % 2 else f'{{"segment":"s{i % 7}"}}' for i in range(n)],
        texts=[None if i % 5 else f'{{"remark":"é {i}"}}' for i in range(n)],
        k=k,
    )


def _same(a: WaveColumns, b: WaveColumns) -> None:
    assert a.ids.tolist() == b.ids.tolist()
    assert a.statuses.tolist() == b.statuses.tolist()
    assert a.respondent_keys == b.respondent_keys
    assert joined(a.vectors) == joined(b.vectors)
    assert (a.dont_know is None) == (b.dont_know is None)
    if a.dont_know is not None and b.dont_know is not None:
        assert joined(a.dont_know) == joined(b.dont_know)
    assert a.characteristics == b.characteristics
    assert a.texts == b.texts
    assert a.k == b.k


@pytest.mark.parametrize(
    ("n", "k", "per_block", "with_dk"),
    [(1000, 50, 300, True), (1000, 50, 5000, False), (17, 9, 4, True), (5, 1, 1, True)],
)
def test_round_trip_is_exact(n: int, k: int, per_block: int, with_dk: bool) -> None:
    original = _columns(n, k, seed=n + k, with_dk=with_dk)
    encoded = encode_blocks(original, rows_per_block=per_block)
    assert len(encoded) == -(-n // per_block)
    assert sum(rows for rows, _ in encoded) == n
    back = decode_blocks([data for _, data in encoded])
    _same(original, back)
    values, dk = decode_packed(back.vectors, back.dont_know, n, k)
    ref_values, ref_dk = decode_packed(original.vectors, original.dont_know, n, k)
    assert np.array_equal(values, ref_values, equal_nan=True)
    assert np.array_equal(dk, ref_dk)


def test_an_empty_wave_is_one_empty_block() -> None:
    empty = WaveColumns.build(
        ids=np.zeros(0, dtype=np.int64),
        statuses=[],
        respondent_keys=[],
        vectors=b"",
        dont_know=None,
        characteristics=[],
        texts=[],
        k=4,
    )
    encoded = encode_blocks(empty)
    assert [rows for rows, _ in encoded] == [0]
    back = decode_blocks([data for _, data in encoded])
    assert back.n == 0 and back.k == 4 and joined(back.vectors) == b""


def test_blocks_are_compressed() -> None:
    original = _columns(20_000, 50)
    size = sum(len(data) for _, data in encode_blocks(original))
    assert size < len(original.vectors) / 2


def test_columns_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="unequal length"):
        WaveColumns.build(
            ids=[1, 2],
            statuses=["complete"],
            respondent_keys=[None, None],
            vectors=bytes(16),
            dont_know=None,
            characteristics=[None, None],
            texts=[None, None],
            k=2,
        )
    with pytest.raises(ValueError, match="unequal length"):
        WaveColumns.build(
            ids=[1, 2],
            statuses=["complete"] * 2,
            respondent_keys=[None, None],
            vectors=bytes(12),
            dont_know=None,
            characteristics=[None, None],
            texts=[None, None],
            k=2,
        )


def test_decode_packed_checks_sizes() -> None:
    with pytest.raises(ValueError, match="answer vectors"):
        decode_packed(bytes(12), None, 2, 2)
    with pytest.raises(ValueError, match="don't-know"):
        decode_packed(bytes(16), bytes(3), 2, 2)


def test_decode_packed_in_parts_equals_decoding_the_whole() -> None:
    cols = _columns(100, 13, seed=5)
    assert cols.dont_know is not None
    whole_v, whole_dk = joined(cols.vectors), joined(cols.dont_know)
    cuts = [0, 10, 55, 100]
    width = (13 + 7) // 8
    v_parts = [memoryview(whole_v)[a * 52 : b * 52] for a, b in itertools.pairwise(cuts)]
    dk_parts = [whole_dk[a * width : b * width] for a, b in itertools.pairwise(cuts)]
    values, dk = decode_packed(whole_v, whole_dk, 100, 13)
    in_parts = decode_packed(v_parts, dk_parts, 100, 13)
    assert np.array_equal(values, in_parts[0], equal_nan=True)
    assert np.array_equal(dk, in_parts[1]) and dk.any()


def test_large_waves_are_converted_on_threads_with_the_same_result() -> None:
    """Above 16 MB of vectors the parts are converted on several threads."""
    rng = np.random.default_rng(9)
    n, k = 90_000, 50  # 18 MB of float32
    values = rng.integers(1, 8, size=(n, k)).astype("<f4")
    values[rng.random((n, k)) < 0.05] = np.nan
    bits = np.packbits(rng.random((n, k)) < 0.02, axis=1, bitorder="little")
    vectors, masks = values.tobytes(), bits.tobytes()
    cuts = range(0, n + 1, 10_000)
    v_parts = [vectors[a * 4 * k : b * 4 * k] for a, b in itertools.pairwise(cuts)]
    dk_parts = [masks[a * 7 : b * 7] for a, b in itertools.pairwise(cuts)]
    got_values, got_dk = decode_packed(v_parts, dk_parts, n, k)
    assert np.array_equal(got_values, values.astype(np.float64), equal_nan=True)
    assert np.array_equal(
        got_dk, np.unpackbits(bits, axis=1, count=k, bitorder="little").astype(bool)
    )
