"""Purpose of use, acquisition, minors' consent and the My Number use/provision limits.

Decisions here answer "may we do this, and on what condition?" — ``Decision.allowed`` says
whether the act may proceed, ``Decision.requirement`` what must accompany it (consent,
notice, supervision …).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from .categories import Category
from .effective import DEFAULT_PARAMS, LawParameters, in_force, law_rule
from .reasons import Decision, Requirement

__all__ = [
    "AcquisitionException",
    "MyNumberProvisionCase",
    "acquisition",
    "guardian_consent_required",
    "my_number_provision",
    "my_number_reentrustment",
    "my_number_use",
    "purpose_change",
    "purpose_notice_needed",
    "succession_use",
]


def purpose_change(related_scope: bool, *, involves_provision: bool = False) -> Decision:
    """Changing a purpose of use (Art. 17(2), 18(1), 21(3)); cases B01, B02.

    Within the scope reasonably related to the old purpose the change needs no consent but
    must be notified or published; beyond it, the new use needs prior consent — and if the
    new use gives the data to a third party, Art. 27(1) consent for that provision too.
    """
    if related_scope:
        return Decision.allow("APPI-17-2", "APPI-21-3", requirement=Requirement.NOTIFY_OR_PUBLISH)
    codes = ("APPI-17-2", "APPI-18-1") + (("APPI-27-1",) if involves_provision else ())
    return Decision.deny(
        *codes, requirement=Requirement.CONSENT, note="beyond the related scope: prior consent needed"
    )


class AcquisitionException(StrEnum):
    """Grounds to acquire 要配慮 information without consent (Art. 20(2), Order 9)."""

    LAWS = "laws"  # (i)
    LIFE_BODY_PROPERTY = "life_body_property"  # (ii) and consent difficult
    PUBLIC_HEALTH = "public_health"  # (iii) public health / children, consent difficult
    STATE_COOPERATION = "state_cooperation"  # (iv)
    ACADEMIC = "academic"  # (v) academic research institution, for research
    ACADEMIC_JOINT = "academic_joint"  # (vi) from an academic institution in joint research
    PUBLISHED_BY_PRESS_ETC = "published_by_press_etc"  # (vii) published by the person, state, press …
    OBVIOUS_FROM_APPEARANCE = "obvious_from_appearance"  # (viii), Order 9(i)
    RECEIVED_VIA_27_5 = "received_via_27_5"  # (viii), Order 9(ii): outsourcing, succession, joint use


_EXCEPTION_REASON = {
    AcquisitionException.LAWS: "APPI-20-2-1",
    AcquisitionException.LIFE_BODY_PROPERTY: "APPI-20-2-2",
    AcquisitionException.PUBLIC_HEALTH: "APPI-20-2-3",
    AcquisitionException.STATE_COOPERATION: "APPI-20-2-4",
    AcquisitionException.ACADEMIC: "APPI-20-2-5",
    AcquisitionException.ACADEMIC_JOINT: "APPI-20-2-6",
    AcquisitionException.PUBLISHED_BY_PRESS_ETC: "APPI-20-2-7",
    AcquisitionException.OBVIOUS_FROM_APPEARANCE: "APPI-ORDER-9-1",
    AcquisitionException.RECEIVED_VIA_27_5: "APPI-ORDER-9-2",
}
# Financial-sector guideline: the listed cases that mirror Art. 20(2)(i)-(iv) (exact list R/U).
_FIN_GL_EXCEPTIONS = frozenset(
    {
        AcquisitionException.LAWS,
        AcquisitionException.LIFE_BODY_PROPERTY,
        AcquisitionException.PUBLIC_HEALTH,
        AcquisitionException.STATE_COOPERATION,
    }
)


def acquisition(
    category: Category | str,
    has_consent: bool = False,
    exception: AcquisitionException | str | None = None,
    *,
    my_number_affair: bool | None = None,
) -> Decision:
    """May data of ``category`` be acquired? (Art. 20, FIN-GL-5, MNA Art. 15/16/20); B07, B08.

    * special_care: prior consent or an Art. 20(2) exception (otherwise denied, APPI-20-2);
    * highly_sensitive: consent (within business necessity) or a FIN-GL-5 listed case;
    * my_number: only for My Number affairs (consent is irrelevant), with identity verification;
    * others: proper means (Art. 20(1)); the purpose must be notified/published (Art. 21(1)).
    """
    cat = Category(category)
    exc = AcquisitionException(exception) if exception is not None else None
    if cat is Category.MY_NUMBER:
        if my_number_affair is False:
            return Decision.deny(
                "MNA-15", "MNA-20", note="My Numbers may be requested only for My Number affairs"
            )
        return Decision.allow("MNA-20", "MNA-16", requirement=Requirement.IDENTITY_VERIFICATION)
    if cat is Category.HIGHLY_SENSITIVE:
        if exc in _FIN_GL_EXCEPTIONS:
            return Decision.allow(
                "FIN-GL-5", _EXCEPTION_REASON[exc], requirement=Requirement.NOTIFY_OR_PUBLISH
            )
        if has_consent:
            return Decision.allow(
                "FIN-GL-5",
                "APPI-20-2",
                requirement=Requirement.NOTIFY_OR_PUBLISH,
                note="consent covers only what the business necessarily requires",
            )
        return Decision.deny("FIN-GL-5", requirement=Requirement.CONSENT)
    if cat is Category.SPECIAL_CARE:
        if exc is not None:
            return Decision.allow(
                "APPI-20-2", _EXCEPTION_REASON[exc], requirement=Requirement.NOTIFY_OR_PUBLISH
            )
        if has_consent:
            return Decision.allow("APPI-20-2", requirement=Requirement.NOTIFY_OR_PUBLISH)
        return Decision.deny("APPI-20-2", requirement=Requirement.CONSENT)
    return Decision.allow("APPI-20-1", "APPI-21-1", requirement=Requirement.NOTIFY_OR_PUBLISH)


def purpose_notice_needed(
    *,
    published_in_advance: bool = False,
    direct_written: bool = False,
    urgent_life_body_property: bool = False,
    harm_to_person_or_third_party: bool = False,
    harm_to_business: bool = False,
    state_cooperation: bool = False,
    clear_from_circumstances: bool = False,
) -> Decision:
    """What purpose notice an acquisition needs (Art. 21(1), (2), (4)); case B04.

    The decision is always ``allowed``; ``requirement`` carries the answer:
    "none" (an Art. 21(4) exception, or published in advance), "state_in_advance" (direct
    written acquisition, Art. 21(2)) or "notify_or_publish" (promptly after acquisition).
    """
    exceptions = [
        (harm_to_person_or_third_party, "APPI-21-4-1"),
        (harm_to_business, "APPI-21-4-2"),
        (state_cooperation, "APPI-21-4-3"),
        (clear_from_circumstances, "APPI-21-4-4"),
    ]
    codes = [code for flag, code in exceptions if flag]
    if codes:
        return Decision.allow(*codes, requirement=Requirement.NONE)
    if direct_written and not urgent_life_body_property:
        return Decision.allow("APPI-21-2", requirement=Requirement.STATE_IN_ADVANCE)
    if published_in_advance:
        return Decision.allow("APPI-21-1", requirement=Requirement.NONE, note="purpose published in advance")
    return Decision.allow("APPI-21-1", requirement=Requirement.NOTIFY_OR_PUBLISH)


def succession_use(within_original_purpose: bool) -> Decision:
    """A successor's use of acquired data (Art. 18(2)); case B05."""
    if within_original_purpose:
        return Decision.allow("APPI-18-2", "APPI-27-5-2")
    return Decision.deny("APPI-18-2", "APPI-18-1", requirement=Requirement.CONSENT)


def guardian_consent_required(age: int, on: date, params: LawParameters | None = None) -> Decision:
    """Can a minor of ``age`` consent alone on ``on``? Cases B10, B11.

    ``allowed`` is True when the person's own consent suffices; otherwise ``requirement`` is
    "guardian_consent". Before the 2026 amendment: PPC Q&A 1-62 guidance, ages up to
    ``params.guardian_consent_max_age`` (12-15, default 15; U). From
    ``params.amendment_2026_effective``: statutory, under ``params.amendment_2026_child_age`` (16).
    """
    if age < 0:
        raise ValueError(f"age must be >= 0, got {age}")
    p = params or DEFAULT_PARAMS
    if in_force(law_rule("amend-2026-child"), on, p) and age < p.amendment_2026_child_age:
        return Decision.deny(
            "APPI-2026-CHILD",
            requirement=Requirement.GUARDIAN_CONSENT,
            note=f"under {p.amendment_2026_child_age}: the legal representative is the consenting party",
        )
    if age <= p.guardian_consent_max_age:
        return Decision.deny(
            "APPI-Q1-62",
            requirement=Requirement.GUARDIAN_CONSENT,
            note=f"age {age} <= {p.guardian_consent_max_age}: legal representative's consent needed",
        )
    return Decision.allow("APPI-Q1-62", requirement=Requirement.CONSENT)


def my_number_use(
    purpose_is_my_number_affair: bool, consent: bool = False, *, life_body_property_emergency: bool = False
) -> Decision:
    """Use of a My Number (MNA Art. 9): only for 個人番号利用事務 / 関係事務.

    The person's consent does not widen the use (no customer ID, no marketing key). The narrow
    life/body/property exception is modelled by ``life_body_property_emergency``.
    """
    if purpose_is_my_number_affair:
        return Decision.allow("MNA-9")
    if life_body_property_emergency:
        return Decision.allow(
            "MNA-9", note="life/body/property exception (with consent or consent difficult)"
        )
    note = "consent does not widen My Number use" if consent else "not a My Number affair"
    return Decision.deny("MNA-9", note=note)


class MyNumberProvisionCase(StrEnum):
    """Situations of My Number provision, matched on content (Art. 19 item numbers moved)."""

    STATUTORY_SUBMISSION = "statutory_submission"  # to the tax office, pension, insurers as 関係事務
    BY_THE_PERSON = "by_the_person"  # the person providing their own number
    OUTSOURCING = "outsourcing"  # 委託
    SUCCESSION = "succession"  # merger, business transfer
    PPC_REQUEST = "ppc_request"
    INVESTIGATION_OR_COURT = "investigation_or_court"  # court, criminal or tax investigation, Diet
    LIFE_BODY_PROPERTY = "life_body_property"  # with consent or consent difficult
    GROUP_COMPANY = "group_company"  # parent / subsidiary / affiliate — separate legal entities
    JOINT_USE = "joint_use"
    OTHER = "other"


_PROVISION_ALLOWED = frozenset(
    {
        MyNumberProvisionCase.STATUTORY_SUBMISSION,
        MyNumberProvisionCase.BY_THE_PERSON,
        MyNumberProvisionCase.SUCCESSION,
        MyNumberProvisionCase.PPC_REQUEST,
        MyNumberProvisionCase.INVESTIGATION_OR_COURT,
        MyNumberProvisionCase.LIFE_BODY_PROPERTY,
    }
)


def my_number_provision(case: MyNumberProvisionCase | str, consent: bool = False) -> Decision:
    """Provision of specific personal information (MNA Art. 19); cases J10, J11.

    Only the Art. 19 cases; joint use and provision to group companies are excluded even with
    consent. Outsourcing is allowed with supervision (Art. 11); re-entrustment needs the
    original entrusting party's permission (Art. 10).
    """
    c = MyNumberProvisionCase(case)
    if c is MyNumberProvisionCase.OUTSOURCING:
        return Decision.allow(
            "MNA-19",
            "MNA-11",
            "MNA-10",
            requirement=Requirement.SUPERVISION,
            note="supervise the outsourcee; re-entrustment only with the entrusting party's permission",
        )
    if c in _PROVISION_ALLOWED:
        return Decision.allow("MNA-19")
    note = "not an Art. 19 case" + ("; consent does not make it one" if consent else "")
    return Decision.deny("MNA-19", note=note)


def my_number_reentrustment(permission_from_original: bool) -> Decision:
    """Re-entrusting My Number affairs (MNA Art. 10): only with the original entrusting party's permission."""
    if permission_from_original:
        return Decision.allow("MNA-10", "MNA-11", requirement=Requirement.SUPERVISION)
    return Decision.deny("MNA-10", note="permission of the original entrusting party is required")
