"""Effective dates of rules and the configurable legal parameters.

Law changes on dates: the 2020 amendment took effect 2022-04-01, the Rules were amended on
2024-04-01 and 2024-12-02, and the 2026 amendment takes effect on a date a Cabinet Order has
yet to fix. Every rule therefore carries ``effective_from`` / ``effective_to``; rules of the
2026 amendment carry the :data:`AMENDMENT_2026` sentinel and stay off until
``LawParameters.amendment_2026_effective`` is set.

Values the sources mark R (recollection) or U (uncertain) are parameters, not constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .reasons import reason

__all__ = [
    "AMENDMENT_2026",
    "DEFAULT_PARAMS",
    "LAW_RULES",
    "PARAMETER_CONFIDENCE",
    "Confidence",
    "LawParameters",
    "LawRule",
    "Pending",
    "in_force",
    "law_rule",
    "rules_in_force",
]

Confidence = Literal["V", "S", "R", "U"]

#: Promulgation of the 2026 amendment (reported, S); the enforcement date cannot precede it.
AMENDMENT_2026_PROMULGATED = date(2026, 7, 17)


class Pending(Enum):
    """An effective date fixed later by a parameter rather than by the text itself."""

    AMENDMENT_2026 = "amendment_2026_effective"


AMENDMENT_2026 = Pending.AMENDMENT_2026


class LawParameters(BaseModel):
    """Configurable legal values, each with its default, allowed range and confidence.

    Confidence (see :data:`PARAMETER_CONFIDENCE`): the guardian age (PPC Q&A 1-62) and the
    fee thresholds are U; the 2026 date is unknown until the Cabinet Order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    guardian_consent_max_age: int = Field(
        15,
        ge=12,
        le=15,
        description="Children up to this age need a legal representative's consent (Q&A 1-62: 12-15).",
    )
    amendment_2026_effective: date | None = Field(
        None, description="Effective date of the 2026 amendment, once the enforcement Cabinet Order fixes it."
    )
    amendment_2026_child_age: int = Field(
        16,
        ge=12,
        le=18,
        description="After the 2026 amendment, persons under this age act via the legal representative.",
    )
    request_sla_business_days: int = Field(
        10,
        ge=1,
        le=60,
        description="Company SLA for answering requests ('without delay' has no statutory days).",
    )
    breach_headcount_threshold: int = Field(
        1000, ge=1, description="Rules 7(iv): reportable when the number of individuals EXCEEDS this."
    )
    my_number_breach_threshold: int = Field(
        100,
        ge=1,
        description="My Number breach rule: reportable when the number of individuals EXCEEDS this.",
    )
    fee_max_cost_ratio: float = Field(
        3.0,
        ge=1.0,
        le=20.0,
        description="Flag a fee above this multiple of the stated actual cost (policy, U).",
    )
    fee_reasonable_max_yen: int = Field(
        5000, ge=0, description="Flag a fee above this amount when no actual cost is stated (policy, U)."
    )
    reject_dummy_my_numbers: bool = Field(
        True, description="Refuse checksum-valid but obviously dummy My Numbers (e.g. 000000000000)."
    )

    @field_validator("amendment_2026_effective")
    @classmethod
    def _not_before_promulgation(cls, v: date | None) -> date | None:
        if v is not None and v < AMENDMENT_2026_PROMULGATED:
            raise ValueError(
                f"the 2026 amendment cannot take effect before its promulgation on {AMENDMENT_2026_PROMULGATED}"
            )
        return v


DEFAULT_PARAMS = LawParameters()

PARAMETER_CONFIDENCE: dict[str, Confidence] = {
    "guardian_consent_max_age": "U",
    "amendment_2026_effective": "U",
    "amendment_2026_child_age": "S",
    "request_sla_business_days": "U",
    "breach_headcount_threshold": "V",
    "my_number_breach_threshold": "S",
    "fee_max_cost_ratio": "U",
    "fee_reasonable_max_yen": "U",
    "reject_dummy_my_numbers": "U",
}


@dataclass(frozen=True, slots=True)
class LawRule:
    """A rule with the period it is in force; ``effective_to`` is the last day (inclusive)."""

    id: str
    title: str
    effective_from: date | Pending
    effective_to: date | None
    confidence: Confidence
    reason: str

    def __post_init__(self) -> None:
        reason(self.reason)  # must cite a registered code
        if self.confidence not in ("V", "S", "R", "U"):
            raise ValueError(f"confidence must be V, S, R or U, got {self.confidence!r}")


def in_force(rule: LawRule | str, on: date, params: LawParameters | None = None) -> bool:
    """Is ``rule`` in force on ``on``? Pending rules are off until their date parameter is set."""
    r = law_rule(rule) if isinstance(rule, str) else rule
    p = params or DEFAULT_PARAMS
    start = r.effective_from
    if isinstance(start, Pending):
        start = getattr(p, start.value)
        if start is None:
            return False
    return start <= on and (r.effective_to is None or on <= r.effective_to)


_RULES = [
    LawRule(
        "appi-2022-retained-data",
        "保有個人データ: 6-month exclusion abolished",
        date(2022, 4, 1),
        None,
        "V",
        "APPI-16-4",
    ),
    LawRule(
        "appi-guardian-consent-qa",
        "未成年者の同意: legal representative for ages up to 12-15 (Q&A 1-62)",
        date(2022, 4, 1),
        None,
        "S",
        "APPI-Q1-62",
    ),
    LawRule(
        "rules-7-3-pre2024",
        "Breach trigger 3: personal data only",
        date(2022, 4, 1),
        date(2024, 3, 31),
        "V",
        "APPI-RULES-7-3",
    ),
    LawRule(
        "rules-7-3-2024",
        "Breach trigger 3: incl. PI being acquired (web skimming)",
        date(2024, 4, 1),
        None,
        "V",
        "APPI-RULES-7-3",
    ),
    LawRule(
        "rules-7-4",
        "Breach trigger 4: more than 1,000 individuals",
        date(2022, 4, 1),
        None,
        "V",
        "APPI-RULES-7-4",
    ),
    LawRule(
        "amend-2026-child",
        "2026 amendment: under-16s act via the legal representative",
        AMENDMENT_2026,
        None,
        "U",
        "APPI-2026-CHILD",
    ),
    LawRule(
        "amend-2026-biometric",
        "2026 amendment: specified biometric personal information",
        AMENDMENT_2026,
        None,
        "U",
        "APPI-2026-BIOMETRIC",
    ),
    LawRule(
        "amend-2026-statistics",
        "2026 amendment: statistics-creation exception",
        AMENDMENT_2026,
        None,
        "U",
        "APPI-2026-STATS",
    ),
    LawRule(
        "amend-2026-surcharge",
        "2026 amendment: administrative surcharge",
        AMENDMENT_2026,
        None,
        "U",
        "APPI-2026-SURCHARGE",
    ),
    LawRule(
        "amend-2026-breach-notice",
        "2026 amendment: eased individual notice for low-risk breaches",
        AMENDMENT_2026,
        None,
        "U",
        "APPI-2026-26-2",
    ),
]

LAW_RULES: dict[str, LawRule] = {r.id: r for r in _RULES}


def law_rule(rule_id: str) -> LawRule:
    """Look up a registered :class:`LawRule` by id."""
    try:
        return LAW_RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown law rule {rule_id!r}; known: {', '.join(sorted(LAW_RULES))}") from None


def rules_in_force(on: date, params: LawParameters | None = None) -> list[LawRule]:
    """All registered rules in force on ``on``."""
    return [r for r in LAW_RULES.values() if in_force(r, on, params)]
