"""Third-party provision, records and cross-border transfer (Act 27-31, Rules 16-25).

Facts in, :class:`~hogo.law.reasons.Decision` out. ``provision_decision`` answers "may this
personal data leave the company, and on what condition?"; ``record_required`` /
``record_complete`` / ``record_retained_until`` the Art. 29/30 record duties;
``cross_border_decision`` the Art. 28 routes; ``personal_related_provision`` Art. 31.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .categories import Category, category_rule
from .crossborder import is_equivalent_country, is_foreign
from .purposes import MyNumberProvisionCase, my_number_provision
from .reasons import Decision, Requirement

__all__ = [
    "CrossBorderFacts",
    "JointUseMatter",
    "PersonalRelatedFacts",
    "ProvisionBasis",
    "ReceiptFacts",
    "RelatedRecordField",
    "ProvisionFacts",
    "ProvisionRequirement",
    "RecordField",
    "RecordKind",
    "RecordMethod",
    "bulk_recording_allowed",
    "cross_border_decision",
    "personal_related_provision",
    "provision_decision",
    "receipt_confirmation",
    "receipt_decision",
    "record_complete",
    "record_missing_items",
    "record_required",
    "record_retained_until",
    "related_record_complete",
    "related_record_missing_items",
    "related_record_retained_until",
]


class ProvisionRequirement(StrEnum):
    """Conditions specific to provision, beside :class:`Requirement` (``Decision.requirement``)."""

    STOP_PROVISION = "stop_provision"  # Rules 18(1)(ii): stop providing to the recipient
    PERIODIC_CHECK = "periodic_check"  # Rules 18(1)(i): periodic check of the 基準適合体制
    CONFIRM_CONSENT = "confirm_consent"  # Art. 31(1)(i): confirm the recipient's consent
    RULES17_INFORMATION = "rules17_information"  # Art. 28(2)/31(1)(ii): the Rules 17 information
    PPC_FILING = "ppc_filing"  # Art. 27(2): opt-out filing with the PPC


class ProvisionBasis(StrEnum):
    """The legal basis a provision rests on."""

    CONSENT = "consent"  # 27(1) main clause / 28(1)
    OPT_OUT = "opt_out"  # 27(2)
    EXCEPTION_LAWS = "exception_laws"  # 27(1)(i)
    EXCEPTION_LIFE_BODY_PROPERTY = "exception_life_body_property"  # 27(1)(ii)
    EXCEPTION_PUBLIC_HEALTH = "exception_public_health"  # 27(1)(iii)
    EXCEPTION_STATE_COOPERATION = "exception_state_cooperation"  # 27(1)(iv)
    EXCEPTION_ACADEMIC_PUBLICATION = "exception_academic_publication"  # 27(1)(v)
    EXCEPTION_ACADEMIC_JOINT = "exception_academic_joint"  # 27(1)(vi)
    EXCEPTION_ACADEMIC_RECIPIENT = "exception_academic_recipient"  # 27(1)(vii)
    OUTSOURCING = "outsourcing"  # 27(5)(i)
    SUCCESSION = "succession"  # 27(5)(ii)
    JOINT_USE = "joint_use"  # 27(5)(iii)


_EXCEPTIONS: dict[ProvisionBasis, str] = {
    ProvisionBasis.EXCEPTION_LAWS: "APPI-27-1-1",
    ProvisionBasis.EXCEPTION_LIFE_BODY_PROPERTY: "APPI-27-1-2",
    ProvisionBasis.EXCEPTION_PUBLIC_HEALTH: "APPI-27-1-3",
    ProvisionBasis.EXCEPTION_STATE_COOPERATION: "APPI-27-1-4",
    ProvisionBasis.EXCEPTION_ACADEMIC_PUBLICATION: "APPI-27-1-5",
    ProvisionBasis.EXCEPTION_ACADEMIC_JOINT: "APPI-27-1-6",
    ProvisionBasis.EXCEPTION_ACADEMIC_RECIPIENT: "APPI-27-1-7",
}
# (ii)-(iv): only where consent is difficult to obtain / would impede the statutory work.
_CONSENT_DIFFICULT = frozenset(
    {
        ProvisionBasis.EXCEPTION_LIFE_BODY_PROPERTY,
        ProvisionBasis.EXCEPTION_PUBLIC_HEALTH,
        ProvisionBasis.EXCEPTION_STATE_COOPERATION,
    }
)
# (v)-(vii): not where the person's rights would be unjustly infringed.
_ACADEMIC = frozenset(
    {
        ProvisionBasis.EXCEPTION_ACADEMIC_PUBLICATION,
        ProvisionBasis.EXCEPTION_ACADEMIC_JOINT,
        ProvisionBasis.EXCEPTION_ACADEMIC_RECIPIENT,
    }
)
_NOT_THIRD_PARTY: dict[ProvisionBasis, str] = {
    ProvisionBasis.OUTSOURCING: "APPI-27-5-1",
    ProvisionBasis.SUCCESSION: "APPI-27-5-2",
    ProvisionBasis.JOINT_USE: "APPI-27-5-3",
}
_MY_NUMBER_CASE: dict[ProvisionBasis, MyNumberProvisionCase] = {
    ProvisionBasis.OUTSOURCING: MyNumberProvisionCase.OUTSOURCING,
    ProvisionBasis.SUCCESSION: MyNumberProvisionCase.SUCCESSION,
    ProvisionBasis.JOINT_USE: MyNumberProvisionCase.JOINT_USE,
}


class JointUseMatter(StrEnum):
    """The five matters to notify / make readily knowable before joint use (Art. 27(5)(iii))."""

    FACT = "fact"  # that the data is jointly used
    ITEMS = "items"  # items jointly used
    USERS_SCOPE = "users_scope"  # scope of joint users
    PURPOSES = "purposes"  # purposes of all users
    RESPONSIBLE_PERSON = "responsible_person"  # name, address, representative of the responsible person


@dataclass(frozen=True, slots=True)
class CrossBorderFacts:
    """A recipient's country and the Art. 28 route relied on.

    Route A (consent): ``consent`` plus the Rules 17 information — ``country_named``,
    ``country_system_info``, ``recipient_measures_info`` (or ``measures_unavailable_explained``);
    if the country cannot be identified, ``country_unidentifiable`` with ``unidentifiable_reason_given``
    and ``reference_info_given`` (candidate countries). Route C: ``standards_system`` (Rules 16) with
    ``periodic_check`` and ``measures_ensured`` (False → stop provision, Rules 18(1)(ii)).
    """

    country: str
    consent: bool = False
    country_named: bool = False
    country_system_info: bool = False
    recipient_measures_info: bool = False
    measures_unavailable_explained: bool = False
    country_unidentifiable: bool = False
    unidentifiable_reason_given: bool = False
    reference_info_given: bool = False
    standards_system: bool = False
    periodic_check: bool = True
    measures_ensured: bool = True

    @property
    def foreign_non_equivalent(self) -> bool:
        """A recipient in a foreign country that is not EU/EEA/UK (Art. 28 applies to it)."""
        if self.country_unidentifiable:
            return True
        return is_foreign(self.country) and not is_equivalent_country(self.country)


@dataclass(frozen=True, slots=True)
class ProvisionFacts:
    """Facts of one provision of personal data.

    ``basis`` None means none is claimed (a plain provision, e.g. to a group company — C02).
    ``consent`` — the person's prior consent covering this recipient and these items;
    ``consent_difficult`` — for 27(1)(ii)-(iv), consent is difficult / would impede;
    ``unjust_infringement`` — for 27(1)(v)-(vii); ``opt_out_filed`` — notice and PPC filing done;
    ``within_purpose`` — outsourcing within the purpose of use / joint use within its scope;
    ``recipient_public_body`` — an Act 16(2) entity (records only); ``cross_border`` — None for a
    domestic recipient.
    """

    basis: ProvisionBasis | None = None
    categories: frozenset[Category] = frozenset()
    consent: bool = False
    consent_difficult: bool = False
    unjust_infringement: bool = False
    opt_out_filed: bool = False
    acquired_via_opt_out: bool = False
    improperly_acquired: bool = False
    joint_use_matters: frozenset[JointUseMatter] = frozenset()
    within_purpose: bool = True
    my_number_case: MyNumberProvisionCase | None = None
    recipient_public_body: bool = False
    cross_border: CrossBorderFacts | None = None

    def __post_init__(self) -> None:
        if self.basis is not None:
            object.__setattr__(self, "basis", ProvisionBasis(self.basis))
        object.__setattr__(self, "categories", frozenset(Category(c) for c in self.categories))
        object.__setattr__(
            self, "joint_use_matters", frozenset(JointUseMatter(m) for m in self.joint_use_matters)
        )
        if self.my_number_case is not None:
            object.__setattr__(self, "my_number_case", MyNumberProvisionCase(self.my_number_case))


def _exception_decision(f: ProvisionFacts) -> Decision:
    assert f.basis is not None
    code = _EXCEPTIONS[f.basis]
    if f.basis in _CONSENT_DIFFICULT and not f.consent_difficult:
        return Decision.deny(
            code, "APPI-27-1", requirement=Requirement.CONSENT, note="consent is not difficult to obtain"
        )
    if f.basis in _ACADEMIC and f.unjust_infringement:
        return Decision.deny(
            code,
            "APPI-27-1",
            requirement=Requirement.CONSENT,
            note="would unjustly infringe the person's rights",
        )
    return Decision.allow(code, requirement=Requirement.NONE)


def _opt_out_decision(f: ProvisionFacts) -> Decision:
    barred = sorted(c.value for c in f.categories if not category_rule(c).opt_out_provision_allowed)
    if barred:
        return Decision.deny(
            "APPI-27-2",
            requirement=Requirement.CONSENT,
            note=f"never opt-out-providable: {', '.join(barred)}",
        )
    if f.improperly_acquired:
        return Decision.deny(
            "APPI-27-2", "APPI-20-1", requirement=Requirement.CONSENT, note="data acquired by improper means"
        )
    if f.acquired_via_opt_out:
        return Decision.deny(
            "APPI-27-2", requirement=Requirement.CONSENT, note="data itself received by opt-out provision"
        )
    if not f.opt_out_filed:
        return Decision.deny(
            "APPI-27-2",
            "APPI-27-1",
            requirement=ProvisionRequirement.PPC_FILING,
            note="no opt-out filing with the PPC",
        )
    return Decision.allow("APPI-27-2", requirement=Requirement.PRIOR_NOTICE)


def _consent_fallback(code: str, f: ProvisionFacts, note: str) -> Decision:
    """A failed 27(5) exemption: the act is third-party provision, lawful only with consent."""
    if f.consent:
        return Decision.allow(
            code, "APPI-27-1", requirement=Requirement.CONSENT, note=note + "; consent obtained"
        )
    return Decision.deny(code, "APPI-27-1", requirement=Requirement.CONSENT, note=note)


def _domestic_decision(f: ProvisionFacts) -> Decision:
    b = f.basis
    if b is None or b is ProvisionBasis.CONSENT:
        if f.consent:
            return Decision.allow("APPI-27-1", requirement=Requirement.CONSENT)
        return Decision.deny(
            "APPI-27-1",
            requirement=Requirement.CONSENT,
            note="a third party (incl. group companies) needs consent",
        )
    if b in _EXCEPTIONS:
        return _exception_decision(f)
    if b is ProvisionBasis.OPT_OUT:
        return _opt_out_decision(f)
    if b is ProvisionBasis.OUTSOURCING:
        if not f.within_purpose:
            return _consent_fallback("APPI-27-5-1", f, "outsourcing beyond the purpose of use")
        return Decision.allow("APPI-27-5-1", "APPI-25", requirement=Requirement.SUPERVISION)
    if b is ProvisionBasis.SUCCESSION:
        return Decision.allow("APPI-27-5-2", "APPI-18-2", requirement=Requirement.NONE)
    # joint use
    barred = sorted(c.value for c in f.categories if not category_rule(c).joint_use_allowed)
    if barred:
        return _consent_fallback("APPI-27-5-3", f, f"joint use not allowed for: {', '.join(barred)}")
    missing = [m.value for m in JointUseMatter if m not in f.joint_use_matters]
    if missing:
        return _consent_fallback("APPI-27-5-3", f, f"joint-use matters missing: {', '.join(missing)}")
    if not f.within_purpose:
        return _consent_fallback("APPI-27-5-3", f, "outside the published joint-use scope")
    return Decision.allow("APPI-27-5-3", requirement=Requirement.PRIOR_NOTICE)


def provision_decision(facts: ProvisionFacts) -> Decision:
    """May this personal data be provided? (Act 27, 28; MNA Art. 19); cases C01-C07, D01, D02.

    My Number data: only the MNA Art. 19 cases (no joint use, no group sharing, consent irrelevant).
    A recipient in a foreign non-equivalent country: the 27(1) exceptions still apply, otherwise an
    Art. 28 route is needed — consent with the Rules 17 information (Art. 27 then does not apply) or a
    基準適合体制 (then Art. 27, incl. 27(5), applies as for a domestic recipient). Opt-out, outsourcing,
    succession and joint use do not by themselves cover such a recipient.
    """
    f = facts
    if Category.MY_NUMBER in f.categories:
        if f.basis is ProvisionBasis.JOINT_USE:
            return Decision.deny("MNA-19", note="no joint use of specific personal information")
        case = f.my_number_case or (_MY_NUMBER_CASE.get(f.basis) if f.basis else None)
        return my_number_provision(case or MyNumberProvisionCase.OTHER, consent=f.consent)
    cb = f.cross_border
    if cb is not None and cb.foreign_non_equivalent and f.basis not in _EXCEPTIONS:
        route = cross_border_decision(cb)
        if not route.allowed:
            note = route.note
            if f.basis in _NOT_THIRD_PARTY or f.basis is ProvisionBasis.OPT_OUT:
                note = f"Art. 28 overrides {f.basis}: " + note
            return Decision(False, route.reasons, route.requirement, note)
        if cb.standards_system:
            inner = _domestic_decision(f)
            return Decision(inner.allowed, (*route.reasons, *inner.reasons), route.requirement, inner.note)
        return route
    decision = _domestic_decision(f)
    if cb is not None and is_foreign(cb.country):
        decision = decision.with_reasons("APPI-28-1")
    return decision


def cross_border_decision(facts: CrossBorderFacts) -> Decision:
    """Which Art. 28 route covers a recipient abroad? Cases D01, D02, D04, D05, D07.

    Domestic and EU/EEA/UK recipients: Art. 28 is not triggered (Art. 27 applies). Consent is
    valid only with the Rules 17 information; a 基準適合体制 needs the periodic check and, when the
    measures can no longer be ensured, provision stops (``requirement="stop_provision"``).
    """
    f = facts
    if not f.foreign_non_equivalent:
        note = (
            "domestic recipient"
            if not is_foreign(f.country)
            else "equivalent country (EU/EEA/UK designation)"
        )
        return Decision.allow(
            "APPI-28-1", requirement=Requirement.NONE, note=f"Art. 28 not triggered: {note}"
        )
    if f.standards_system:
        if not f.measures_ensured:
            return Decision.deny(
                "APPI-28-3",
                "APPI-RULES-18-1",
                requirement=ProvisionRequirement.STOP_PROVISION,
                note="continued implementation of the equivalent measures cannot be ensured: stop provision",
            )
        note = "" if f.periodic_check else "periodic check of the recipient's measures is overdue"
        return Decision.allow(
            "APPI-28-1",
            "APPI-RULES-16",
            "APPI-28-3",
            "APPI-RULES-18-1",
            requirement=ProvisionRequirement.PERIODIC_CHECK,
            note=note,
        )
    if not f.consent:
        return Decision.deny(
            "APPI-28-1", requirement=Requirement.CONSENT, note="no consent to foreign provision"
        )
    missing = _rules17_missing(f)
    code = "APPI-RULES-17-3" if f.country_unidentifiable else "APPI-RULES-17-2"
    if missing:
        return Decision.deny(
            "APPI-28-2",
            code,
            requirement=ProvisionRequirement.RULES17_INFORMATION,
            note=f"consent invalid: Rules 17 information missing: {', '.join(missing)}",
        )
    return Decision.allow("APPI-28-1", "APPI-28-2", code, requirement=Requirement.CONSENT)


def _rules17_missing(f: CrossBorderFacts) -> list[str]:
    missing = []
    if f.country_unidentifiable:
        if not f.unidentifiable_reason_given:
            missing.append("reason the country cannot be identified")
        if not f.reference_info_given:
            missing.append("reference information (candidate countries)")
    else:
        if not f.country_named:
            missing.append("country name")
        if not f.country_system_info:
            missing.append("country's protection system")
    if not (f.recipient_measures_info or f.measures_unavailable_explained):
        missing.append("recipient's measures")
    return missing


# --- records (Art. 29, 30; Rules 19-25) --------------------------------------------------------


def record_required(facts: ProvisionFacts, *, receiving: bool = False) -> Decision:
    """Must an Art. 29 (``receiving``: Art. 30) record be made? Cases C01, C14, D08.

    ``allowed`` is True when a record **is required**. Exempt: the 27(1) exceptions; the 27(5)
    cases (outsourcing, succession, joint use) unless the recipient is abroad in a non-equivalent
    country without a 基準適合体制 (Art. 28 route A); Act 16(2) public bodies (domestic).
    """
    f = facts
    main = "APPI-30-1" if receiving else "APPI-29-1"
    items = "APPI-RULES-24-1" if receiving else "APPI-RULES-20-1"
    if f.basis in _EXCEPTIONS:
        return Decision.deny(main, _EXCEPTIONS[f.basis], requirement=Requirement.NONE, note="27(1) exception")
    cb = f.cross_border
    abroad_consent_route = cb is not None and cb.foreign_non_equivalent and not cb.standards_system
    if f.recipient_public_body and not (cb is not None and is_foreign(cb.country)):
        return Decision.deny(main, "APPI-16-2", requirement=Requirement.NONE, note="Act 16(2) entity")
    if f.basis in _NOT_THIRD_PARTY and not abroad_consent_route:
        return Decision.deny(
            main, _NOT_THIRD_PARTY[f.basis], requirement=Requirement.NONE, note="not a third party"
        )
    codes = (main, items) + (("APPI-28-1",) if abroad_consent_route else ())
    return Decision.allow(*codes, requirement=Requirement.NONE)


class RecordKind(StrEnum):
    """Which record (Rules 20 provider / Rules 24 recipient) and on what basis."""

    PROVIDER_OPT_OUT = "provider_opt_out"
    PROVIDER_CONSENT = "provider_consent"
    RECIPIENT_OPT_OUT = "recipient_opt_out"
    RECIPIENT_CONSENT = "recipient_consent"
    RECIPIENT_FROM_INDIVIDUAL = "recipient_from_individual"  # provider is not a business


class RecordField(StrEnum):
    """Record items (Rules 20, 24)."""

    DATE = "date"  # date of provision / receipt
    CONSENT = "consent"  # statement that the person consented
    RECIPIENT = "recipient"  # name etc. of the third party ("unspecified many" if so)
    PROVIDER = "provider"  # provider's name, address, representative
    ACQUISITION = "acquisition"  # how the provider acquired the data
    PERSON = "person"  # name etc. identifying the individual
    ITEMS = "items"  # items of personal data
    PPC_PUBLICATION = "ppc_publication"  # the provider's opt-out filing was published by the PPC


_F = RecordField
_RECORD_ITEMS: dict[RecordKind, tuple[RecordField, ...]] = {
    RecordKind.PROVIDER_OPT_OUT: (_F.DATE, _F.RECIPIENT, _F.PERSON, _F.ITEMS),
    RecordKind.PROVIDER_CONSENT: (_F.CONSENT, _F.RECIPIENT, _F.PERSON, _F.ITEMS),
    RecordKind.RECIPIENT_OPT_OUT: (
        _F.DATE,
        _F.PROVIDER,
        _F.ACQUISITION,
        _F.PERSON,
        _F.ITEMS,
        _F.PPC_PUBLICATION,
    ),
    RecordKind.RECIPIENT_CONSENT: (_F.CONSENT, _F.PROVIDER, _F.ACQUISITION, _F.PERSON, _F.ITEMS),
    RecordKind.RECIPIENT_FROM_INDIVIDUAL: (_F.PROVIDER, _F.ACQUISITION, _F.PERSON, _F.ITEMS),
}


def record_missing_items(kind: RecordKind | str, fields: Iterable[RecordField | str]) -> list[str]:
    """The required record items (Rules 20 / 24) absent from ``fields``, in table order."""
    present = {RecordField(x) for x in fields}
    return [item.value for item in _RECORD_ITEMS[RecordKind(kind)] if item not in present]


def record_complete(kind: RecordKind | str, fields: Iterable[RecordField | str]) -> Decision:
    """Is the record complete? Cases C10 (consent record without a date: complete), C11."""
    k = RecordKind(kind)
    code = "APPI-RULES-20-1" if k.value.startswith("provider") else "APPI-RULES-24-1"
    missing = record_missing_items(k, fields)
    if missing:
        return Decision.deny(code, note=f"missing record items: {', '.join(missing)}")
    return Decision.allow(code)


class RecordMethod(StrEnum):
    """How a record was made (Rules 19 / 23)."""

    CONTRACT_SUBSTITUTE = "contract_substitute"  # 19(3)/23(3): 1 year from the last provision
    BULK = "bulk"  # 19(2) proviso / 23(2) proviso: 3 years from the last provision
    PER_PROVISION = "per_provision"  # other: 3 years from the record's creation


_RETENTION_YEARS = {RecordMethod.CONTRACT_SUBSTITUTE: 1, RecordMethod.BULK: 3, RecordMethod.PER_PROVISION: 3}


def record_retained_until(method: RecordMethod | str, last_provision_or_created: date) -> date:
    """Last day a record must be kept (Rules 21 / 25); cases C16, C17.

    "X日から起算してN年を経過する日": the period counts X as day one and ends on the day before
    the corresponding day N years later (Civil Code Art. 143(2)); a 29 February start with no
    corresponding day ends on the last day of February.
    """
    years = _RETENTION_YEARS[RecordMethod(method)]
    start = last_provision_or_created
    try:
        corresponding = date(start.year + years, start.month, start.day)
    except ValueError:  # 29 February → no corresponding day: the month's last day
        return date(start.year + years, 2, 28)
    return corresponding - timedelta(days=1)


def bulk_recording_allowed(basis: ProvisionBasis | str) -> Decision:
    """May records be made in bulk (Rules 19(2) proviso)? Not for opt-out provision (C19)."""
    if ProvisionBasis(basis) is ProvisionBasis.OPT_OUT:
        return Decision.deny("APPI-RULES-19-2", note="bulk recording excludes opt-out provision")
    return Decision.allow("APPI-RULES-19-2")


def receipt_confirmation(
    provider_identity_confirmed: bool, acquisition_circumstances_confirmed: bool
) -> Decision:
    """Has the recipient made the Art. 30(1) confirmations? Case C13 (``allowed`` False = violation)."""
    missing = []
    if not provider_identity_confirmed:
        missing.append("APPI-30-1-1")
    if not acquisition_circumstances_confirmed:
        missing.append("APPI-30-1-2")
    if missing:
        return Decision.deny(*missing, note="confirmation duty not met before receipt")
    return Decision.allow("APPI-30-1-1", "APPI-30-1-2")


# --- personal-related information (Art. 31) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonalRelatedFacts:
    """Provision of 個人関連情報 (e.g. cookie-keyed data).

    ``recipient_will_link`` — the recipient is expected to acquire it as personal data;
    ``consent_confirmed`` — the provider confirmed the recipient obtained the person's consent;
    ``rules17_info_confirmed`` — for a foreign recipient, that the Rules 17 information was given.
    """

    recipient_will_link: bool
    consent_confirmed: bool = False
    recipient_country: str = "JP"
    recipient_standards_system: bool = False
    rules17_info_confirmed: bool = False
    exception: ProvisionBasis | None = None


def personal_related_provision(facts: PersonalRelatedFacts) -> Decision:
    """May personal-related information be provided? (Art. 31); cases E01, E02, E04."""
    f = facts
    if not f.recipient_will_link:
        return Decision.allow(
            "APPI-31-1", requirement=Requirement.NONE, note="Art. 31 not triggered: recipient will not link"
        )
    if f.exception is not None:
        exc = ProvisionBasis(f.exception)
        if exc not in _EXCEPTIONS:
            raise ValueError(f"{exc} is not an Art. 27(1) exception")
        return Decision.allow("APPI-31-1", _EXCEPTIONS[exc], requirement=Requirement.NONE)
    if not f.consent_confirmed:
        return Decision.deny(
            "APPI-31-1-1",
            requirement=ProvisionRequirement.CONFIRM_CONSENT,
            note="confirm the recipient obtained the person's consent before providing",
        )
    foreign = is_foreign(f.recipient_country) and not is_equivalent_country(f.recipient_country)
    if foreign and f.recipient_standards_system:
        return Decision.allow(
            "APPI-31-1-1", "APPI-28-3", "APPI-RULES-18-1", requirement=ProvisionRequirement.PERIODIC_CHECK
        )
    if foreign and not f.rules17_info_confirmed:
        return Decision.deny(
            "APPI-31-1-2",
            "APPI-RULES-17-2",
            requirement=ProvisionRequirement.RULES17_INFORMATION,
            note="also confirm the Rules 17 information was given when consent was obtained",
        )
    codes = ("APPI-31-1-1", "APPI-31-1-2") if foreign else ("APPI-31-1-1",)
    return Decision.allow(*codes, requirement=Requirement.NONE)


# --- receipt (Art. 30) and personal-related records (Art. 31(3); Rules 26-29) -------------------------

def _register_codes() -> None:
    """Codes of the receipt / personal-related record rules (idempotent: the module may be reloaded)."""
    from .reasons import REASONS, Reason, register

    rows = [
        ("APPI-RULES-22-1", "APPI Rules Art. 22(1)", "個人情報保護法施行規則第22条第1項",
         "受領時の確認は、提供者からの申告を受ける方法、契約書等の書面の提示を受ける方法その他の適切な方法による。",
         "The receipt confirmations are made by the provider's declaration, by seeing the contract or other "
         "documents, or by another appropriate method."),
        ("APPI-RULES-28-1", "APPI Rules Art. 28(1)", "個人情報保護法施行規則第28条第1項",
         "個人関連情報の提供の記録事項: 本人の同意が得られていること（外国の提供先は規則17条の情報提供も）を確認した旨、"
         "提供年月日、提供先の氏名又は名称・住所（法人は代表者の氏名）、個人関連情報の項目。",
         "Personal-related information record items: that the person's consent (and for a foreign recipient the "
         "Rules 17 information) was confirmed, the date, the recipient's name, address and representative, "
         "and the items."),
        ("APPI-RULES-29", "APPI Rules Art. 29", "個人情報保護法施行規則第29条",
         "個人関連情報の確認記録は、契約書等による代替は最後の提供日から起算して1年、一括作成は最後の提供日から起算して3年、"
         "その他は作成日から起算して3年を経過する日まで保存しなければならない。",
         "Personal-related information records are kept: contract substitute 1 year from the last provision, bulk "
         "3 years from the last provision, otherwise 3 years from creation."),
    ]
    for code, article, article_ja, ja, en in rows:
        if code not in REASONS:
            register(Reason(code, article, ja, en, article_ja))


_register_codes()


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    """Facts of one receipt of personal data from a third party (Art. 30).

    ``provider_basis`` — the basis the provider relies on (consent, opt-out, a 27(1) exception, or a
    27(5) case: outsourcing, succession, joint use); ``provider_is_business`` False for a private
    individual; ``provider_corporation`` — a representative must then be confirmed; the ``*_given``
    flags say which confirmations / record items the recipient has in hand.
    """

    provider_basis: ProvisionBasis | None = ProvisionBasis.CONSENT
    categories: frozenset[Category] = frozenset()
    provider_is_business: bool = True
    provider_corporation: bool = True
    provider_public_body: bool = False
    provider_name_given: bool = False
    provider_address_given: bool = False
    provider_representative_given: bool = False
    acquisition_given: bool = False
    consent_given: bool = False  # the person's consent to the provision is confirmed (consent-based)
    date_given: bool = False
    ppc_publication_given: bool = False  # opt-out: the provider's filing was published by the PPC

    def __post_init__(self) -> None:
        if self.provider_basis is not None:
            object.__setattr__(self, "provider_basis", ProvisionBasis(self.provider_basis))
        object.__setattr__(self, "categories", frozenset(Category(c) for c in self.categories))

    @property
    def record_kind(self) -> RecordKind:
        if not self.provider_is_business:
            return RecordKind.RECIPIENT_FROM_INDIVIDUAL
        if self.provider_basis is ProvisionBasis.OPT_OUT:
            return RecordKind.RECIPIENT_OPT_OUT
        return RecordKind.RECIPIENT_CONSENT

    @property
    def record_fields(self) -> tuple[RecordField, ...]:
        """The record items in hand (the person and the items are always recorded by the service)."""
        fields = [RecordField.PERSON, RecordField.ITEMS]
        if self.provider_name_given and self.provider_address_given and (
                self.provider_representative_given or not self.provider_corporation):
            fields.append(RecordField.PROVIDER)
        if self.acquisition_given:
            fields.append(RecordField.ACQUISITION)
        if self.consent_given:
            fields.append(RecordField.CONSENT)
        if self.date_given:
            fields.append(RecordField.DATE)
        if self.ppc_publication_given:
            fields.append(RecordField.PPC_PUBLICATION)
        return tuple(fields)


def receipt_decision(facts: ReceiptFacts) -> tuple[Decision, Decision]:
    """May the data be received, and must (and can) the Art. 30 record be made? Cases C13, C14.

    Returns ``(receipt, record)``. ``receipt`` is refused when the Art. 30(1) confirmations are not
    made (C13: ``APPI-30-1-1`` / ``APPI-30-1-2``), or the provider claims opt-out for data that is
    never opt-out-providable (``APPI-27-2``: receiving it would be acquisition by improper means,
    ``APPI-20-1``). ``record.allowed`` is True when a record is required; a required record lacking a
    Rules 24 item refuses the receipt with ``APPI-RULES-24-1`` — nothing may be received unrecorded.
    A 27(1) exception, a 27(5) case or an Act 16(2) provider needs neither confirmation nor record.
    """
    f = facts
    pf = ProvisionFacts(basis=f.provider_basis, categories=f.categories, consent=f.consent_given,
                        recipient_public_body=f.provider_public_body)
    record = record_required(pf, receiving=True)
    if not record.allowed:  # no Art. 30 duty at all (30(1) proviso)
        return Decision.allow(*record.reasons, requirement=Requirement.NONE, note=record.note), record
    if f.provider_is_business and f.provider_basis is ProvisionBasis.OPT_OUT:
        barred = sorted(c.value for c in f.categories if not category_rule(c).opt_out_provision_allowed)
        if barred:
            return Decision.deny("APPI-27-2", "APPI-20-1", requirement=Requirement.CONSENT,
                                 note=f"never opt-out-providable: {', '.join(barred)}"), record
    identity = RecordField.PROVIDER in f.record_fields
    confirmation = receipt_confirmation(identity, f.acquisition_given)
    if not confirmation.allowed:
        return confirmation, record
    complete = record_complete(f.record_kind, f.record_fields)
    if not complete.allowed:
        return complete, record
    return Decision.allow("APPI-30-1", "APPI-30-1-1", "APPI-30-1-2", "APPI-RULES-24-1",
                          requirement=Requirement.NONE), record


class RelatedRecordField(StrEnum):
    """Record items of a personal-related information provision (Rules 28(1))."""

    CONSENT_CONFIRMED = "consent_confirmed"  # the person's consent was confirmed (Art. 31(1)(i))
    RULES17_CONFIRMED = "rules17_confirmed"  # foreign recipient: the Rules 17 information (Art. 31(1)(ii))
    DATE = "date"  # date of provision (bulk: first and last day)
    RECIPIENT = "recipient"  # name, address, (corporation) representative
    ITEMS = "items"  # items of personal-related information


def related_record_missing_items(fields: Iterable[RelatedRecordField | str], *, foreign: bool) -> list[str]:
    """The Rules 28(1) items absent from ``fields`` (the Rules 17 confirmation only for a foreign recipient)."""
    present = {RelatedRecordField(x) for x in fields}
    needed = [f for f in RelatedRecordField if foreign or f is not RelatedRecordField.RULES17_CONFIRMED]
    return [f.value for f in needed if f not in present]


def related_record_complete(fields: Iterable[RelatedRecordField | str], *, foreign: bool) -> Decision:
    """Is the personal-related information confirmation record complete? (Rules 28(1))."""
    missing = related_record_missing_items(fields, foreign=foreign)
    if missing:
        return Decision.deny("APPI-RULES-28-1", note=f"missing record items: {', '.join(missing)}")
    return Decision.allow("APPI-RULES-28-1")


def related_record_retained_until(method: RecordMethod | str, last_provision_or_created: date) -> date:
    """Last day a personal-related information record must be kept (Rules 29; same periods as Rules 21)."""
    return record_retained_until(method, last_provision_or_created)
