"""bench.export_compare: what it calls identical, what it masks, what it shows of a difference."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.export_compare import files_compare


def _window(hour: int) -> tuple[datetime, datetime]:
    return datetime(2026, 12, 7, hour, 0, tzinfo=UTC), datetime(2026, 12, 7, hour, 59, tzinfo=UTC)


def _side(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    for file, text in files.items():
        (directory / file).write_text(text, encoding="utf-8")
    return directory


def test_generation_times_masked_and_other_differences_shown(tmp_path: Path) -> None:
    """Times written during each side's own run are equal; a harvest time or a cell that differs is not."""
    header = "id,title,first_seen,updated_at\n"
    base = _side(
        tmp_path,
        "base",
        {
            "same.csv": header + "1,Jardin,2026-12-07T00:10:00+00:00,2026-12-07T01:05:03.123+00:00\n",
            "cell.csv": header + "1,Jardin,2026-12-07T00:10:00+00:00,2026-12-07T01:05:03+00:00\n2,=1+1,x,y\n",
            "seen.csv": header + "1,Jardin,2026-12-07T00:10:00+00:00,2026-12-07T01:05:03+00:00\n",
            "gone.json": "{}",
        },
    )
    cand = _side(
        tmp_path,
        "cand",
        {
            "same.csv": header + "1,Jardin,2026-12-07T00:10:00+00:00,2026-12-07T02:41:00.9+00:00\n",
            "cell.csv": header + "1,Jardin,2026-12-07T00:10:00+00:00,2026-12-07T02:41:00+00:00\n2,'=1+1,x,y\n",
            "seen.csv": header + "1,Jardin,2026-12-07T00:11:00+00:00,2026-12-07T02:41:00+00:00\n",
        },
    )
    rows = {row["file"]: row for row in files_compare((base, _window(1)), (cand, _window(2)))}
    assert rows["same.csv"]["identical"] and rows["same.csv"]["masked"] == 2
    cell = rows["cell.csv"]
    assert not cell["identical"] and cell["differing_lines"] == 1
    assert cell["first"]["line"] == 3 and cell["first"]["column"] == 3
    assert cell["first"]["baseline"].endswith("=1+1,x,y") and cell["first"]["candidate"].endswith("'=1+1,x,y")
    assert not rows["seen.csv"]["identical"] and rows["seen.csv"]["first"]["line"] == 2
    assert rows["gone.json"]["bytes"] == [2, None] and not rows["gone.json"]["identical"]
