"""Optional model path: GiNZA (spaCy, ``ja_ginza``) adds names and addresses the cues miss.

Needs ``pip install ginza ja-ginza`` (an optional extra). The ``ja_ginza`` model is trained on
corpora with NON-COMMERCIAL terms (UD Japanese-BCCWJ, GSK2014-A): check the licence before using
it in a commercial deployment. Without the model, :func:`hogo.detect.scan` is the built-in path.

The model only *adds* person_name / address findings that do not overlap a built-in finding;
structured kinds always come from the built-in path (check digits, Luhn, context).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .scanner import KIND_CATEGORY, Finding, scan

__all__ = ["model_available", "scan_with_model"]

_PERSON = {"Person"}
_PLACE = {"Province", "City", "County", "GPE_Other", "Postal_Address", "Address_Other"}
_GLUE = frozenset(" 　丁目番地号-ー0123456789０１２３４５６７８９")


def model_available(model: str = "ja_ginza") -> bool:
    try:
        import spacy  # noqa: F401
        from spacy.util import is_package
    except ImportError:
        return False
    return is_package(model)


@cache
def _nlp(model: str) -> Any:
    import spacy

    return spacy.load(model)


def scan_with_model(text: str, *, kinds: set[str] | None = None, model: str = "ja_ginza") -> list[Finding]:
    """Built-in findings plus GiNZA's person names and places (joined into address spans)."""
    base = scan(text, kinds=kinds)
    want = set(KIND_CATEGORY) if kinds is None else set(kinds)
    extra: list[tuple[int, int, str]] = []
    for ent in _nlp(model)(text).ents:
        if ent.label_ in _PERSON and "person_name" in want:
            extra.append((ent.start_char, ent.end_char, "person_name"))
        elif ent.label_ in _PLACE and "address" in want:
            s, e = ent.start_char, ent.end_char
            if extra and extra[-1][2] == "address" and all(c in _GLUE for c in text[extra[-1][1] : s]):
                s = extra.pop()[0]
            extra.append((s, e, "address"))
    out = list(base)
    for s, e, k in extra:
        if k == "address":  # a bare prefecture or city is not an address; a street number makes it one
            tail = e
            while tail < len(text) and text[tail] in _GLUE:
                tail += 1
            if not any(c.isdigit() for c in text[e:tail]):
                continue
            e = tail
            while e > s and text[e - 1] in " 　-ー":
                e -= 1
        if any(s < f.end and f.start < e for f in out):
            continue
        out.append(Finding(s, e, k, 0.6, KIND_CATEGORY[k]))
    out.sort(key=lambda f: (f.start, f.end))
    return out
