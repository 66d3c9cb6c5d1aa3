"""Japanese text normalisation for matching, indexing and display.

The same phone number arrives as ``０９０－１２３４－５６７８``, ``090-1234-5678`` or
``090ー1234ー5678`` (a katakana long-vowel mark typed for a hyphen). Blind indexes and
look-ups must treat them as one value, so every room normalises through these functions.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DASHES",
    "format_yen",
    "normalize_email",
    "normalize_for_index",
    "normalize_hyphens",
    "normalize_phone",
    "to_fullwidth_digits",
    "to_halfwidth",
]

#: Characters used as hyphens in Japanese input (besides ASCII "-").
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
#: Long-vowel marks that users type for hyphens between digits/letters.
_LONG_VOWEL = "\u30fc\uff70"
_DASH_RE = re.compile(f"[{DASHES}]")
_LONG_BETWEEN_ALNUM = re.compile(
    f"(?<=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])[{_LONG_VOWEL}]+(?=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
)
_SPACE_RE = re.compile(r"\s+")


def normalize_hyphens(s: str) -> str:
    """Map every dash variant to ASCII "-"; "ー" only between letters/digits (so "データ" stays)."""
    s = _DASH_RE.sub("-", s)
    return _LONG_BETWEEN_ALNUM.sub(lambda m: "-" * len(m.group()), s)


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (digits, letters, symbols, ideographic space) to half-width, dashes to "-".

    NFKC-based: kana stay kana (half-width katakana become full-width, which is what we want).
    """
    return normalize_hyphens(unicodedata.normalize("NFKC", s))


_TO_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def to_fullwidth_digits(s: str) -> str:
    """ASCII digits to full-width digits (for vertical / formal Japanese documents)."""
    return s.translate(_TO_FULL_DIGITS)


def normalize_phone(s: str) -> str:
    """Digits only; a leading "+81" becomes the domestic trunk prefix "0" (+81 90… → 090…)."""
    t = to_halfwidth(s).strip()
    digits = re.sub(r"[^0-9]", "", t)
    if t.startswith("+81"):
        rest = digits[2:]
        return rest if rest.startswith("0") else "0" + rest
    return digits


def normalize_email(s: str) -> str:
    """NFKC, trimmed, lower-cased. Dots and "+tags" are kept: their meaning is provider-specific."""
    return unicodedata.normalize("NFKC", s).strip().lower()


def _compact(s: str) -> str:
    return _SPACE_RE.sub("", to_halfwidth(s))


def _digits(s: str) -> str:
    return re.sub(r"[\s\-]", "", to_halfwidth(s))


def _only_digits(s: str) -> str:
    return re.sub(r"[^0-9]", "", to_halfwidth(s))


def _date_iso(s: str) -> str:
    from .era import parse_date_any  # local import: era imports nothing from here at module load

    try:
        return parse_date_any(s).isoformat()
    except ValueError:
        return _compact(s)


_INDEXERS = {
    "phone": normalize_phone,
    "tel": normalize_phone,
    "mobile": normalize_phone,
    "fax": normalize_phone,
    "email": normalize_email,
    "mail": normalize_email,
    "my_number": _digits,
    "postal_code": _only_digits,
    "zip": _only_digits,
    "card_number": _digits,
    "account_number": _digits,
    "number": _digits,
    "name": _compact,
    "kana": _compact,
    "address": _compact,
    "birth_date": _date_iso,
    "date": _date_iso,
}


def normalize_for_index(item_kind: str, s: str) -> str:
    """The canonical form of ``s`` for blind indexes of ``item_kind``.

    The kind is matched by suffix/keyword (``mobile_phone`` → phone, ``name_kana`` → kana);
    unknown kinds get NFKC, whitespace removal and case folding.
    """
    k = item_kind.lower()
    for key, fn in _INDEXERS.items():
        if k == key or k.endswith("_" + key) or k.startswith(key + "_"):
            return fn(s)
    return _compact(s).casefold()


def format_yen(n: int) -> str:
    """1000 → "1,000円" (amounts in notices and fee letters)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"format_yen expects an int number of yen, got {type(n).__name__}")
    return f"{n:,}円"
