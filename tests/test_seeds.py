"""The sample articles are the shared ones, byte for byte, and the sidecar states only what they state."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_seeds_are_byte_identical(shared_dir: Path) -> None:
    shared = sorted((shared_dir / "seeds").glob("*.txt"))
    assert len(shared) == 5
    for path in shared:
        assert (ROOT / "seeds" / path.name).read_bytes() == path.read_bytes()


def test_metadata_sidecar_states_only_what_texts_state() -> None:
    with (ROOT / "seeds" / "_metadata.csv").open(encoding="utf-8") as handle:
        rows = {r["file"]: r for r in csv.DictReader(handle)}
    assert list(next(iter(rows.values()))) == ["file", "title", "outlet", "url", "published", "language"]
    for name, row in rows.items():
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        if row["title"]:
            assert text.lstrip().startswith(row["title"])
        if row["outlet"]:
            assert f"Source: {row['outlet']}" in text
    assert rows["002_7cbcce0f6b81ee55.txt"]["published"] == "2020-03-01"
    assert rows["003_9540e75d7a9aa565.txt"]["published"] == "2020-02-20"
    assert rows["001_318e880c7e075cbd.txt"]["outlet"] == "Al Jazeera"
