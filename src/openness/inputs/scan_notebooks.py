"""The notebook scan: code cells of a `.ipynb`, Python by `ast` and `!`/`%` magics by line.

A notebook reference is located by its cell (0-based index in `cells`) and its line within
that cell's source (1-based).
"""

from __future__ import annotations

import json

from openness.inputs.model_ids import Hit
from openness.inputs.scan_lines import scan_lines
from openness.inputs.scan_python import scan_python


def scan_notebook(text: str) -> list[tuple[int, Hit]]:
    """(cell index, reference) of each reference in the notebook's code cells."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return []
    out: list[tuple[int, Hit]] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            continue
        lines = src.splitlines()
        if lines and lines[0].lstrip().startswith("%%"):
            hits = scan_lines(lines)
        else:
            magic = [ln if ln.lstrip().startswith(("!", "%")) else "" for ln in lines]
            python = [("" if m else ln) for ln, m in zip(lines, magic, strict=True)]
            hits = scan_python("\n".join(python)) + scan_lines(magic)
        out.extend((index, h._replace(kind="notebook")) for h in hits)
    return out
