"""Files for ``hogo scan``: text files to findings records, CSV columns to a column report.

Japanese business files come as UTF-8 (with or without BOM) or Shift_JIS (cp932); both are read.
Records carry offsets (characters into the decoded file), line and column — never the matched text.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from pathlib import Path

from .scanner import ColumnReport, scan, scan_rows

__all__ = ["read_text", "scan_csv", "scan_file"]


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Decode ``path`` with ``encoding``, or try UTF-8 (BOM allowed) then cp932."""
    data = Path(path).read_bytes()
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def scan_file(
    path: str | Path, *, kinds: set[str] | None = None, encoding: str | None = None
) -> Iterator[dict[str, object]]:
    """One JSON-ready record per finding: file, start, end, line (1-based), column (1-based), kind,
    score, category, subkind."""
    text = read_text(path, encoding)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for f in scan(text, kinds=kinds):
        ln = bisect_right(line_starts, f.start)
        yield {
            "file": str(path),
            "start": f.start,
            "end": f.end,
            "line": ln,
            "column": f.start - line_starts[ln - 1] + 1,
            "kind": f.kind,
            "score": round(f.score, 3),
            "category": f.category.value,
            "subkind": f.subkind,
        }


def scan_csv(
    path: str | Path,
    columns: Sequence[str] | None = None,
    *,
    kinds: set[str] | None = None,
    encoding: str | None = None,
) -> dict[str, ColumnReport]:
    """Per-column report of a CSV file with a header row; unknown column names raise ValueError."""
    reader = csv.DictReader(io.StringIO(read_text(path, encoding), newline=""))
    header = reader.fieldnames or []
    if columns:
        missing = [c for c in columns if c not in header]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)}; the header has {', '.join(header)}")
    return scan_rows(reader, list(columns) if columns else header, kinds=kinds)
