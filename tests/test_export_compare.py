"""bench.export_compare: what it calls identical, which changes it undoes, what it shows of a difference."""

from __future__ import annotations

from pathlib import Path

from bench.export_compare import INTENDED, files_compare


def _side(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    for file, text in files.items():
        (directory / file).write_text(text, encoding="utf-8")
    return directory


def test_intended_changes_undone_and_other_differences_shown(tmp_path: Path) -> None:
    """A file:// URL dropped or an EPCI facet added is explained; any other change is a difference."""
    header = "id,title,sources,source_urls\n"
    base = _side(
        tmp_path,
        "base",
        {
            "same.csv": header + "1,Jardin,ffe:3-4,\n",
            "url.csv": header
            + "1,Jardin,ffe:3-4 | ffe:3-5,file:///data/ffe.csv#3-4 | file:///data/ffe.csv#3-5\n",
            "url.jsonl": '{"id": 1, "url": "file:///data/ffe.csv#3-4"}\n',
            "api.json": '{"facets":{"region":[{"code":"11","count":3}],"scale":[]}}',
            "cell.csv": header + "1,Jardin,ffe:3-4,file:///data/ffe.csv#3-4\n2,=1+1,x,y\n",
            "gone.json": "{}",
        },
    )
    cand = _side(
        tmp_path,
        "cand",
        {
            "same.csv": header + "1,Jardin,ffe:3-4,\n",
            "url.csv": header + "1,Jardin,ffe:3-4 | ffe:3-5, | \n",
            "url.jsonl": '{"id": 1, "url": null}\n',
            "api.json": '{"facets":{"region":[{"code":"11","count":3}],"epci":[{"code":"2"}],"scale":[]}}',
            "cell.csv": header + "1,Jardin,ffe:3-4,\n2,'=1+1,x,y\n",
        },
    )
    rows = {row["file"]: row for row in files_compare(base, cand, INTENDED)}
    assert rows["same.csv"]["identical"]
    assert rows["url.csv"]["intended"] == {"5f0d603": 2} and "first" not in rows["url.csv"]
    assert rows["url.jsonl"]["intended"] == {"5f0d603": 1} and "first" not in rows["url.jsonl"]
    assert rows["api.json"]["intended"] == {"e9adc87": 1} and "first" not in rows["api.json"]
    cell = rows["cell.csv"]
    assert cell["differing_lines"] == 1 and cell["first"]["line"] == 3 and cell["first"]["column"] == 3
    assert cell["first"]["baseline"].endswith("=1+1,x,y") and cell["first"]["candidate"].endswith("'=1+1,x,y")
    assert rows["gone.json"]["bytes"] == [2, None] and "first" in rows["gone.json"]
    untouched = {row["file"]: row for row in files_compare(base, cand)}
    assert "first" in untouched["url.csv"] and "first" in untouched["api.json"]
