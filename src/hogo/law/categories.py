"""What the law makes of a data item: categories, identification codes, special-care kinds.

A policy declares each item with a :class:`Category`; the category decides which duties
attach (consent to acquire, opt-out ban, joint-use ban, key scope, breach trigger). The
classification helpers answer the definitional questions of Act Art. 2 and 16.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CATEGORY_RULES",
    "FIN_SENSITIVE_EXTRA_KINDS",
    "NON_SPECIAL_KINDS",
    "Category",
    "CategoryRule",
    "IdentifierClass",
    "IdentifierKind",
    "NonSpecialKind",
    "SpecialCareKind",
    "category_rule",
    "classify_identifier",
    "is_highly_sensitive_fin",
    "is_special_care",
    "personal_related_information",
    "retained_personal_data",
]

_DPV = "https://w3id.org/dpv#"
_PD = "https://w3id.org/dpv/pd#"


class Category(StrEnum):
    """Legal category of a policy item (区分)."""

    IDENTIFYING = "identifying"  # 氏名・住所・生年月日等 (Act 2(1)(i))
    IDENTIFICATION_CODE = "identification_code"  # 個人識別符号 (Act 2(2))
    CREDIT = "credit"  # 信用情報 (payment status, contract content)
    ATTRIBUTE = "attribute"  # 属性情報 (occupation, family, income …)
    SPECIAL_CARE = "special_care"  # 要配慮個人情報 (Act 2(3))
    HIGHLY_SENSITIVE = "highly_sensitive"  # 機微(センシティブ)情報 (financial-sector guideline)
    MY_NUMBER = "my_number"  # 個人番号 / 特定個人情報 (My Number Act)


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """Duties that follow from a category.

    ``key_scope`` selects the encryption-key scope ("standard" | "sensitive" | "my_number");
    ``breach_trigger_any_count`` means a leak is reportable even for one person.
    """

    category: Category
    consent_required_to_acquire: bool
    opt_out_provision_allowed: bool
    joint_use_allowed: bool
    key_scope: str
    breach_trigger_any_count: bool
    dpv_iri: str | None
    reasons: tuple[str, ...]
    note: str = ""


#: What each category is called in notices, ledgers and letters (ja, en).
CATEGORY_LABELS: MappingProxyType[Category, tuple[str, str]] = MappingProxyType(
    {
        Category.IDENTIFYING: ("本人を識別する情報", "Identifying information"),
        Category.IDENTIFICATION_CODE: ("個人識別符号", "Individual identification code"),
        Category.CREDIT: ("信用情報", "Credit information"),
        Category.ATTRIBUTE: ("属性情報", "Attribute information"),
        Category.SPECIAL_CARE: ("要配慮個人情報", "Special-care-required personal information"),
        Category.HIGHLY_SENSITIVE: ("機微(センシティブ)情報", "Sensitive information"),
        Category.MY_NUMBER: ("個人番号(マイナンバー)", "My Number"),
    }
)


def category_label(category: Category | str, lang: str = "ja") -> str:
    """The category's name in ``lang`` ("ja" or "en")."""
    ja, en = CATEGORY_LABELS[Category(category)]
    return en if lang == "en" else ja


CATEGORY_RULES: MappingProxyType[Category, CategoryRule] = MappingProxyType(
    {
        Category.IDENTIFYING: CategoryRule(
            Category.IDENTIFYING, False, True, True, "standard", False, _PD + "Identifying", ("APPI-2-1-1",)
        ),
        Category.IDENTIFICATION_CODE: CategoryRule(
            Category.IDENTIFICATION_CODE,
            False,
            True,
            True,
            "standard",
            False,
            _PD + "OfficialID",
            ("APPI-2-1-2", "APPI-2-2"),
        ),
        Category.CREDIT: CategoryRule(
            Category.CREDIT,
            False,
            True,
            True,
            "standard",
            False,
            _PD + "Credit",
            ("APPI-2-1-1",),
            note="Card numbers inside credit data are breach trigger 2 (classify_identifier).",
        ),
        Category.ATTRIBUTE: CategoryRule(
            Category.ATTRIBUTE,
            False,
            True,
            True,
            "standard",
            False,
            None,
            ("APPI-2-1-1",),
        ),
        Category.SPECIAL_CARE: CategoryRule(
            Category.SPECIAL_CARE,
            True,
            False,
            True,
            "sensitive",
            True,
            _DPV + "SpecialCategoryPersonalData",
            ("APPI-2-3", "APPI-20-2", "APPI-27-2", "APPI-RULES-7-1"),
        ),
        Category.HIGHLY_SENSITIVE: CategoryRule(
            Category.HIGHLY_SENSITIVE,
            True,
            False,
            True,
            "sensitive",
            True,
            _DPV + "SensitivePersonalData",
            ("FIN-GL-5", "APPI-27-2", "APPI-RULES-7-1"),
            note=(
                "機微 includes all 要配慮 kinds, so a leak is treated as trigger 1 (conservative); "
                "declare pure non-要配慮 items (本籍地, 門地, 労働組合) precisely to avoid over-reporting. "
                "Opt-out is excluded because FIN-GL-5 allows provision only in the listed cases."
            ),
        ),
        Category.MY_NUMBER: CategoryRule(
            Category.MY_NUMBER,
            False,
            False,
            False,
            "my_number",
            False,
            _PD + "OfficialID",
            ("MNA-9", "MNA-19", "MNA-20"),
            note="Collection is governed by MNA-15/16/20, not consent; breaches follow the My Number rule (>100).",
        ),
    }
)


def category_rule(category: Category | str) -> CategoryRule:
    """The :class:`CategoryRule` of ``category`` (accepts the string value)."""
    try:
        return CATEGORY_RULES[Category(category)]
    except ValueError:
        raise ValueError(
            f"unknown category {category!r}; expected one of {', '.join(c.value for c in Category)}"
        ) from None


# --- identification codes (Act 2(2), Order 1, Rules 2-4) --------------------------------------


class IdentifierKind(StrEnum):
    """Kinds of numbers and biometric templates, for deciding whether a field is PI on its own."""

    PASSPORT_NUMBER = "passport_number"
    BASIC_PENSION_NUMBER = "basic_pension_number"
    DRIVERS_LICENSE_NUMBER = "drivers_license_number"
    RESIDENT_REGISTER_CODE = "resident_register_code"
    MY_NUMBER = "my_number"
    HEALTH_INSURANCE_NUMBER = "health_insurance_number"
    EMPLOYMENT_INSURANCE_NUMBER = "employment_insurance_number"
    RESIDENCE_CARD_NUMBER = "residence_card_number"
    SPECIAL_PERMANENT_RESIDENT_NUMBER = "special_permanent_resident_number"
    BIOMETRIC_FACE = "biometric_face"
    BIOMETRIC_DNA = "biometric_dna"
    BIOMETRIC_IRIS = "biometric_iris"
    BIOMETRIC_VOICE = "biometric_voice"
    BIOMETRIC_GAIT = "biometric_gait"
    BIOMETRIC_VEIN = "biometric_vein"
    BIOMETRIC_FINGERPRINT = "biometric_fingerprint"
    CREDIT_CARD_NUMBER = "credit_card_number"
    PAYMENT_SERVICE_CREDENTIALS = "payment_service_credentials"  # net-banking / payment login ID + password
    BANK_ACCOUNT_NUMBER = "bank_account_number"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"
    CUSTOMER_ID = "customer_id"
    IP_ADDRESS = "ip_address"
    COOKIE_ID = "cookie_id"
    VEHICLE_PLATE = "vehicle_plate"


_ID_CODES = frozenset(
    {
        IdentifierKind.PASSPORT_NUMBER,
        IdentifierKind.BASIC_PENSION_NUMBER,
        IdentifierKind.DRIVERS_LICENSE_NUMBER,
        IdentifierKind.RESIDENT_REGISTER_CODE,
        IdentifierKind.MY_NUMBER,
        IdentifierKind.HEALTH_INSURANCE_NUMBER,
        IdentifierKind.EMPLOYMENT_INSURANCE_NUMBER,
        IdentifierKind.RESIDENCE_CARD_NUMBER,
        IdentifierKind.SPECIAL_PERMANENT_RESIDENT_NUMBER,
        IdentifierKind.BIOMETRIC_FACE,
        IdentifierKind.BIOMETRIC_DNA,
        IdentifierKind.BIOMETRIC_IRIS,
        IdentifierKind.BIOMETRIC_VOICE,
        IdentifierKind.BIOMETRIC_GAIT,
        IdentifierKind.BIOMETRIC_VEIN,
        IdentifierKind.BIOMETRIC_FINGERPRINT,
    }
)
# Rules 7(ii): misuse may cause property damage. PPC Q&A: a bank account number alone
# (no PIN / login password) is not by itself this trigger; card numbers and payment logins are.
_PROPERTY_DAMAGE = frozenset({IdentifierKind.CREDIT_CARD_NUMBER, IdentifierKind.PAYMENT_SERVICE_CREDENTIALS})
# Confidence R (Rules 4 items recalled, not re-read): employment-insurance, residence-card,
# special-permanent-resident numbers and the employee-insurance variants of insurer numbers.
_ID_CODES_R = frozenset(
    {
        IdentifierKind.EMPLOYMENT_INSURANCE_NUMBER,
        IdentifierKind.RESIDENCE_CARD_NUMBER,
        IdentifierKind.SPECIAL_PERMANENT_RESIDENT_NUMBER,
    }
)


@dataclass(frozen=True, slots=True)
class IdentifierClass:
    """Classification of one identifier kind.

    ``personal_information_alone``: the value is PI even with no name attached (Act 2(1)(ii)).
    ``breach_trigger_2``: a leak is reportable for a single person (Rules 7(ii)).
    """

    kind: IdentifierKind
    identification_code: bool
    personal_information_alone: bool
    breach_trigger_2: bool
    reasons: tuple[str, ...]
    confidence: str


def classify_identifier(kind: IdentifierKind | str) -> IdentifierClass:
    """Is ``kind`` an individual identification code, and does its leak trigger a report?

    Numbers not listed in Order 1 / Rules 3-4 (card, account, phone, e-mail, customer ID, IP,
    cookie, plate) are PI only when identifying or easily collatable (Act 2(1)(i)).
    """
    k = IdentifierKind(kind)
    is_code = k in _ID_CODES
    trigger2 = k in _PROPERTY_DAMAGE
    reasons: tuple[str, ...] = ("APPI-2-1-2", "APPI-2-2") if is_code else ("APPI-2-1-1",)
    if trigger2:
        reasons += ("APPI-RULES-7-2",)
    confidence = "R" if k in _ID_CODES_R or k == IdentifierKind.BANK_ACCOUNT_NUMBER else "V"
    return IdentifierClass(k, is_code, is_code, trigger2, reasons, confidence)


# --- special care-required information (Act 2(3), Order 2) -----------------------------------


class SpecialCareKind(StrEnum):
    """The eleven kinds of 要配慮個人情報: Act 2(3) (1-6) and Order 2 (7-11)."""

    RACE = "race"  # 人種
    CREED = "creed"  # 信条
    SOCIAL_STATUS = "social_status"  # 社会的身分
    MEDICAL_HISTORY = "medical_history"  # 病歴
    CRIMINAL_RECORD = "criminal_record"  # 犯罪の経歴
    CRIME_VICTIM = "crime_victim"  # 犯罪により害を被った事実
    DISABILITY = "disability"  # 身体・知的・精神障害等 (Order 2(i))
    HEALTH_CHECK_RESULT = "health_check_result"  # 健康診断等の結果 (Order 2(ii))
    MEDICAL_GUIDANCE_TREATMENT = "medical_guidance_treatment"  # 保健指導・診療・調剤 (Order 2(iii))
    CRIMINAL_PROCEDURE = "criminal_procedure"  # 逮捕・捜索・起訴等の刑事手続 (Order 2(iv))
    JUVENILE_PROCEDURE = "juvenile_procedure"  # 少年保護事件の手続 (Order 2(v))


class NonSpecialKind(StrEnum):
    """Kinds often mistaken for 要配慮 but not listed in Act 2(3) / Order 2."""

    NATIONALITY = "nationality"  # 国籍
    ADDRESS = "address"  # 住所
    INCOME = "income"  # 収入
    CREDIT_HISTORY = "credit_history"  # 信用履歴
    TRADE_UNION = "trade_union"  # 労働組合への加盟
    SEXUAL_ORIENTATION = "sexual_orientation"  # 性的指向
    REGISTERED_DOMICILE = "registered_domicile"  # 本籍地
    FAMILY_ORIGIN = "family_origin"  # 門地
    SEX_LIFE = "sex_life"  # 性生活
    HEALTH_CARE = "health_care"  # 保健医療 (beyond the Order 2 doctor-based facts)


NON_SPECIAL_KINDS = frozenset(NonSpecialKind)
# Financial-sector guideline Art. 5: 機微 = 要配慮 + these (exact list R/U).
FIN_SENSITIVE_EXTRA_KINDS = frozenset(
    {
        NonSpecialKind.TRADE_UNION,
        NonSpecialKind.FAMILY_ORIGIN,
        NonSpecialKind.REGISTERED_DOMICILE,
        NonSpecialKind.HEALTH_CARE,
        NonSpecialKind.SEX_LIFE,
    }
)
# PPC Supplementary Rules for EU/UK-origin data (補完的ルール): treated as 要配慮 (R).
_EU_UK_EXTRA = frozenset(
    {NonSpecialKind.SEX_LIFE, NonSpecialKind.SEXUAL_ORIENTATION, NonSpecialKind.TRADE_UNION}
)


def _kind(kind: SpecialCareKind | NonSpecialKind | str) -> SpecialCareKind | NonSpecialKind:
    if isinstance(kind, SpecialCareKind | NonSpecialKind):
        return kind
    for enum in (SpecialCareKind, NonSpecialKind):
        try:
            return enum(kind)
        except ValueError:
            continue
    known = [k.value for k in SpecialCareKind] + [k.value for k in NonSpecialKind]
    raise ValueError(f"unknown information kind {kind!r}; expected one of {', '.join(known)}")


def is_special_care(kind: SpecialCareKind | NonSpecialKind | str, *, from_eu_uk: bool = False) -> bool:
    """True for the eleven 要配慮 kinds (Act 2(3), Order 2).

    With ``from_eu_uk=True`` the PPC Supplementary Rules also make sex life, sexual orientation
    and trade-union membership received from the EU/UK special care-required.
    """
    k = _kind(kind)
    return isinstance(k, SpecialCareKind) or (from_eu_uk and k in _EU_UK_EXTRA)


def is_highly_sensitive_fin(kind: SpecialCareKind | NonSpecialKind | str) -> bool:
    """True for the financial-sector 機微(センシティブ)情報 set (FIN-GL-5): 要配慮 + five more."""
    k = _kind(kind)
    return isinstance(k, SpecialCareKind) or k in FIN_SENSITIVE_EXTRA_KINDS


# --- retained personal data and personal-related information ----------------------------------

_AMENDMENT_2022 = date(2022, 4, 1)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retained_personal_data(
    scheduled_deletion_days: int | None, on: date, *, order5_excluded: bool = False
) -> bool:
    """Is the personal data 保有個人データ on ``on`` (Act 16(4))?

    Since 2022-04-01 short-lived data counts too (case A10); before that date, data to be
    erased within six months was excluded. ``order5_excluded`` covers the Order 5 categories
    whose very existence must not be revealed (harm to life, crime prevention, …).
    ``scheduled_deletion_days``: days from ``on`` to scheduled erasure, None if none.
    """
    if order5_excluded:
        return False
    if scheduled_deletion_days is not None and scheduled_deletion_days < 0:
        raise ValueError("scheduled_deletion_days must be >= 0")
    if on >= _AMENDMENT_2022 or scheduled_deletion_days is None:
        return True
    return on + timedelta(days=scheduled_deletion_days) > _add_months(on, 6)


def personal_related_information(linkable_by_holder: bool, is_pi: bool, *, processed: bool = False) -> bool:
    """Is the information 個人関連情報 for its holder (Act 2(7), case A11)?

    Information that the holder can easily collate with identity is already PI for it;
    pseudonymously / anonymously ``processed`` information is its own class.
    """
    return not (is_pi or linkable_by_holder or processed)
