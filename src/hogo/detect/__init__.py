"""PII detection in Japanese text and tables (usable without the database).

    >>> from hogo.detect import scan
    >>> [(f.kind, f.start, f.end) for f in scan("糖尿病で通院中。TEL 090-1234-5678")]
    [('special_care', 0, 3), ('special_care', 4, 6), ('phone', 12, 25)]

Findings carry offsets into the original text, never the text itself.
"""

from .scanner import KIND_CATEGORY, KINDS, ColumnReport, Finding, fold, scan, scan_rows

__all__ = ["KINDS", "KIND_CATEGORY", "ColumnReport", "Finding", "fold", "scan", "scan_rows"]
