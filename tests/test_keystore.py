"""The memory-mapped key table: exact gets, misses, CRC collisions resolved by the stored key."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from gazetteer.errors import IndexCorruptError
from gazetteer.keystore import KeyStore, read_build_id, write_keystore


def test_round_trip_and_misses(tmp_path: Path) -> None:
    items = {f"key{i}": (i, f"row {i}", (1.5, None)) for i in range(2000)}
    path = tmp_path / "t.keys"
    write_keystore(path, items.items(), len(items), "build-1")
    store = KeyStore(path)
    assert store.build_id == "build-1" == read_build_id(path)
    for key, rows in items.items():
        assert store.get(key) == rows
    assert store.get("absent") is None and store.get("") is None


def test_crc_collisions_are_told_apart(tmp_path: Path) -> None:
    # "plumless" and "buckeroo" are a known CRC-32 collision pair.
    assert zlib.crc32(b"plumless") == zlib.crc32(b"buckeroo")
    path = tmp_path / "c.keys"
    write_keystore(path, [("plumless", 1), ("buckeroo", 2)], 2, "b")
    store = KeyStore(path)
    assert (store.get("plumless"), store.get("buckeroo")) == (1, 2)


def test_not_a_key_table(tmp_path: Path) -> None:
    path = tmp_path / "x.keys"
    path.write_bytes(b"nonsense" * 10)
    with pytest.raises(IndexCorruptError):
        KeyStore(path)
    assert read_build_id(path) is None
