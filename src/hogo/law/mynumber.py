"""My Number (個人番号) validation and identity-verification documents.

The check digit follows MIC Ordinance No. 85 of 2014 Art. 5 (総務省令第85号第5条): with the
11-digit base weighted 6,5,4,3,2,7,6,5,4,3,2 from the left, the check digit is
11 - (Σ mod 11), or 0 when Σ mod 11 ≤ 1. A matching check digit does not prove the number
was ever assigned, hence the separate dummy-number rule.
Corporate numbers (法人番号, 13 digits) use a different algorithm — do not pass them here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .effective import DEFAULT_PARAMS, LawParameters
from .reasons import Decision, Requirement
from .text import DASHES

__all__ = [
    "MY_NUMBER_WEIGHTS",
    "IdDocument",
    "MyNumberCheck",
    "check_my_number",
    "is_dummy_my_number",
    "luhn_valid",
    "my_number_check_digit",
    "normalize_digits",
    "verify_my_number_documents",
]

MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(f"[\\s\\-{DASHES}\u30fc\uff70]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalize_digits(s: str) -> str:
    """Full-width digits to ASCII and separators removed (spaces of any width, every hyphen/dash
    variant incl. "ー"). Other characters are kept, so callers can still reject them."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", s))


def my_number_check_digit(base11: str) -> int:
    """Check digit for an 11-digit base (総務省令85号 Art. 5)."""
    base = normalize_digits(base11)
    if len(base) != 11 or not _ASCII_DIGITS.fullmatch(base):
        raise ValueError(f"a My Number base must be 11 digits, got {base11!r}")
    remainder = sum(int(d) * w for d, w in zip(base, MY_NUMBER_WEIGHTS, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_dummy_my_number(number12: str) -> bool:
    """An obvious dummy: the 11-digit base is one repeated digit (e.g. 000000000000).

    Such bases pass or fail the checksum by arithmetic accident; none is a plausible assignment.
    """
    n = normalize_digits(number12)
    return len(n) == 12 and len(set(n[:11])) == 1


@dataclass(frozen=True, slots=True)
class MyNumberCheck:
    """Result of :func:`check_my_number`; ``reason`` is None when valid."""

    valid: bool
    normalized: str
    reason: str | None
    expected_check_digit: int | None = None

    def decision(self) -> Decision:
        """The check as a :class:`Decision` (valid → allowed with MNA-CHECKDIGIT)."""
        if self.valid:
            return Decision.allow("MNA-CHECKDIGIT")
        return Decision.deny(self.reason or "MNA-FORMAT")


def check_my_number(s: str, params: LawParameters | None = None) -> MyNumberCheck:
    """Validate a My Number: digits only, 12 digits, check digit, then the dummy rule."""
    p = params or DEFAULT_PARAMS
    n = normalize_digits(s)
    if not _ASCII_DIGITS.fullmatch(n):
        return MyNumberCheck(False, n, "MNA-FORMAT")
    if len(n) != 12:
        return MyNumberCheck(False, n, "MNA-LENGTH")
    expected = my_number_check_digit(n[:11])
    if int(n[11]) != expected:
        return MyNumberCheck(False, n, "MNA-CHECKDIGIT", expected)
    if p.reject_dummy_my_numbers and is_dummy_my_number(n):
        return MyNumberCheck(False, n, "MNA-DUMMY", expected)
    return MyNumberCheck(True, n, None, expected)


def luhn_valid(s: str, *, lengths: Iterable[int] = range(12, 20)) -> bool:
    """Luhn (mod 10) check for payment-card numbers, after :func:`normalize_digits`.

    ``lengths`` restricts the accepted digit counts (card numbers are 12-19 digits).
    """
    n = normalize_digits(s)
    if not _ASCII_DIGITS.fullmatch(n) or len(n) not in set(lengths):
        return False
    total = 0
    for i, ch in enumerate(reversed(n)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class IdDocument(StrEnum):
    """Documents presented for My Number verification (番号法16条, 施行令12条, 施行規則1-3条)."""

    MY_NUMBER_CARD = "my_number_card"  # 個人番号カード: number + photo identity
    NOTIFICATION_CARD = (
        "notification_card"  # 通知カード (abolished 2020-05-25; valid only if details unchanged)
    )
    RESIDENT_RECORD_WITH_NUMBER = "resident_record_with_number"  # 個人番号付き住民票の写し
    MY_NUMBER_NOTICE_LETTER = "my_number_notice_letter"  # 個人番号通知書: NOT a verification document
    DRIVERS_LICENSE = "drivers_license"  # photo
    PASSPORT = "passport"  # photo
    RESIDENCE_CARD = "residence_card"  # photo
    SPECIAL_PERMANENT_RESIDENT_CERTIFICATE = "special_permanent_resident_certificate"  # photo
    DISABILITY_CERTIFICATE = "disability_certificate"  # photo (身体障害者手帳 etc.)
    OTHER_PHOTO_ID = "other_photo_id"  # other government-issued photo ID listed in the Rules
    HEALTH_INSURANCE_QUALIFICATION = "health_insurance_qualification"  # non-photo (資格確認書 etc.)
    PENSION_BOOK = "pension_book"  # non-photo (年金手帳 / 基礎年金番号通知書)
    OTHER_NON_PHOTO_ID = "other_non_photo_id"  # other non-photo official document


_NUMBER_DOCS = frozenset({IdDocument.MY_NUMBER_CARD, IdDocument.RESIDENT_RECORD_WITH_NUMBER})
_PHOTO_IDS = frozenset(
    {
        IdDocument.MY_NUMBER_CARD,
        IdDocument.DRIVERS_LICENSE,
        IdDocument.PASSPORT,
        IdDocument.RESIDENCE_CARD,
        IdDocument.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
        IdDocument.DISABILITY_CERTIFICATE,
        IdDocument.OTHER_PHOTO_ID,
    }
)
_NON_PHOTO_IDS = frozenset(
    {IdDocument.HEALTH_INSURANCE_QUALIFICATION, IdDocument.PENSION_BOOK, IdDocument.OTHER_NON_PHOTO_ID}
)


def _documents(docs: Iterable[str]) -> set[IdDocument]:
    out = set()
    for d in docs:
        try:
            out.add(IdDocument(d))
        except ValueError:
            raise ValueError(
                f"unknown identity document {d!r}; expected one of {', '.join(x.value for x in IdDocument)}"
            ) from None
    return out


def verify_my_number_documents(
    docs: Iterable[str], *, notification_card_details_current: bool = True
) -> Decision:
    """Number confirmation + identity confirmation (番号確認・身元確認, MNA Art. 16).

    Passes with a My Number Card alone, or a number document (通知カード with unchanged
    details, or a resident-record copy with the number) plus one photo ID or two non-photo
    IDs. The 個人番号通知書 (post-2020 notice letter) confirms nothing (case J16).
    """
    ds = _documents(docs)
    number_docs = ds & _NUMBER_DOCS
    if IdDocument.NOTIFICATION_CARD in ds and notification_card_details_current:
        number_docs.add(IdDocument.NOTIFICATION_CARD)
    number_ok = bool(number_docs)
    identity_ok = bool(ds & _PHOTO_IDS) or len(ds & _NON_PHOTO_IDS) >= 2
    if number_ok and identity_ok:
        return Decision.allow("MNA-16", note="番号確認・身元確認とも完了 / number and identity confirmed")
    missing = []
    if not number_ok:
        missing.append(
            "番号確認 (number confirmation: My Number Card, 通知カード or 個人番号付き住民票の写し)"
        )
    if not identity_ok:
        missing.append("身元確認 (identity confirmation: one photo ID or two non-photo IDs)")
    if IdDocument.MY_NUMBER_NOTICE_LETTER in ds and not number_ok:
        missing.append(
            "個人番号通知書は番号確認書類にならない / the notice letter is not a verification document"
        )
    return Decision.deny("MNA-16", requirement=Requirement.IDENTITY_VERIFICATION, note="; ".join(missing))
