"""The privacy program as data: the schema of ``hogo.yaml``.

One file states the whole program; the linter checks it against the law, the notice is rendered from it
and the enforcement engine reads it. Models forbid unknown keys so that a typo is an error, not a silently
ignored duty. Cross-references (a purpose naming an item) are checked by the linter, not here, so that a
broken file still loads far enough to report every problem at once with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hogo.law.categories import Category
from hogo.law.effective import LawParameters
from hogo.law.rights import CHARGEABLE_REQUESTS

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="snake_case identifier")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _text_from_str(value: object) -> object:
    return {"ja": value} if isinstance(value, str) else value


class LocalizedText(Model):
    """Japanese first; English alongside. A bare string in YAML is the Japanese text."""

    ja: str = Field(min_length=1)
    en: str | None = None

    def get(self, lang: str) -> str:
        if lang == "en" and self.en:
            return self.en
        return self.ja

    def __str__(self) -> str:
        return self.ja


Text = Annotated[LocalizedText, BeforeValidator(_text_from_str)]


# --- who we are -------------------------------------------------------------------------------------------


class Person(Model):
    title: Text | None = None
    name: Text


class Organization(Model):
    name: Text
    address: Text
    representative: Person
    corporate_number: str | None = Field(default=None, pattern=r"^\d{13}$", description="法人番号")
    business: list[Text] = Field(default_factory=list, description="事業内容, as the notice states it")
    url: str | None = None
    privacy_manager: Person | None = Field(default=None, description="個人情報保護管理者 / 管理責任者")
    group: Text | None = Field(default=None, description="the group the program covers, e.g. 当社グループ")


class Desk(Model):
    """A contact point: request desk, complaint desk, inquiry desk (Act 32(1), 40)."""

    id: Id
    name: Text
    handles: list[Literal["requests", "complaints", "inquiries", "opt_out", "my_number"]] = Field(min_length=1)
    address: Text | None = None
    phone: str | None = None
    toll_free: bool = False
    fax: str | None = None
    email: str | None = None
    url: str | None = None
    hours: Text | None = None
    note: Text | None = Field(default=None, description="how the desk takes requests, e.g. by phone or e-mail")


class AccreditedOrganization(Model):
    """認定個人情報保護団体 (Act 47): its complaint desk is a matter to make knowable (Order 10)."""

    name: Text
    desk: Text | None = None
    address: Text | None = None
    phone: str | None = None
    url: str | None = None
    hours: Text | None = None


# --- what we hold and why -----------------------------------------------------------------------------------


class SubjectType(Model):
    id: Id
    name: Text
    description: Text | None = None


class ValueFormat(StrEnum):
    """How a stored value is checked on write and normalised for its blind index."""

    text = "text"
    name = "name"
    kana = "kana"
    phone = "phone"
    email = "email"
    postal_code = "postal_code"
    date = "date"
    number = "number"
    my_number = "my_number"
    card_number = "card_number"
    account_number = "account_number"


class Item(Model):
    """A kind of personal data (項目) and what the law makes of it (区分)."""

    id: Id
    name: Text
    category: Category
    format: ValueFormat = ValueFormat.text
    indexed: bool = Field(default=False, description="keep a keyed blind index so the item can be searched")
    subject_types: list[Id] = Field(default_factory=list)
    description: Text | None = None
    necessity: Text | None = Field(default=None, description="why a highly sensitive item is indispensable")
    collected: bool = Field(default=True, description="false: the program promises never to collect it")
    confirm_within_months: int | None = Field(default=None, ge=1, description="Art. 22 accuracy: re-confirm after")


class SpecialCareGround(StrEnum):
    """Act 20(2) exceptions that allow acquiring 要配慮 without consent."""

    laws = "laws"
    life_body_property = "life_body_property"
    public_health = "public_health"
    state_cooperation = "state_cooperation"
    academic = "academic"
    published = "published"
    obvious_from_appearance = "obvious_from_appearance"
    entrusted_or_joint_use = "entrusted_or_joint_use"


class Purpose(Model):
    """A purpose of use (利用目的, Act 17(1)); every access names one."""

    id: Id
    text: Text
    subject_types: list[Id] = Field(default_factory=list, description="empty: all subject types")
    items: list[Id] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list, description="categories the purpose may use")
    consent_required: bool = False
    direct_marketing: bool = Field(default=False, description="opt-out-able (DM refusal)")
    my_number: bool = Field(default=False, description="a 個人番号関係事務 under My Number Act Art. 9")
    special_care_ground: SpecialCareGround | None = None
    provision: bool = Field(default=False, description="third-party provision is itself this purpose (Art. 27(2)(ii))")


class ConsentVersion(Model):
    version: str
    effective_from: dt.date
    text: Text | None = None


class ConsentDocument(Model):
    """A consent form (同意書 / 同意条項) and what it covers."""

    id: Id
    title: Text
    versions: list[ConsentVersion] = Field(min_length=1)
    purposes: list[Id] = Field(default_factory=list)
    provisions: list[Id] = Field(default_factory=list, description="recipient ids this consent covers")
    cross_border: list[Id] = Field(default_factory=list, description="cross-border transfer ids covered")
    explicit_written: bool = Field(default=False, description="明示的な書面同意")
    items: list[Id] = Field(default_factory=list)
    guardian: bool = Field(default=False, description="signed by a legal representative for minors")


# --- sharing ------------------------------------------------------------------------------------------------


class ProvisionBasis(StrEnum):
    consent = "consent"
    opt_out = "opt_out"
    laws = "laws"


class OptOut(Model):
    """Art. 27(2) matters: filed with the PPC and made knowable."""

    ppc_filed_on: dt.date | None = None
    acquisition_method: Text
    provision_method: Text
    request_method: Text
    update_method: Text | None = None
    start_date: dt.date | None = None


class Recipient(Model):
    """A third party we provide personal data to (Art. 27), other than credit bureaus and joint users."""

    id: Id
    name: Text
    address: Text | None = None
    representative: Text | None = None
    country: str = Field(default="JP", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    public_body: bool = Field(default=False, description="Act 16(2) entity: no Art. 29 record")
    basis: ProvisionBasis
    items: list[Id] = Field(default_factory=list)
    purpose: Text | None = Field(default=None, description="the recipient's purpose of use")
    method: Text | None = None
    acquired_via_opt_out: bool = Field(default=False, description="data we ourselves got by opt-out")
    opt_out: OptOut | None = None


class PeriodEvent(StrEnum):
    """Events a period counts from; a closed list so that a typo cannot silently become a new event."""

    acquisition = "acquisition"  # 取得日
    application = "application"  # 申込日
    inquiry = "inquiry"  # 照会日 (credit bureau)
    registration = "registration"  # 登録日 (credit bureau)
    report = "report"  # 報告日 (to a bureau)
    use = "use"  # 利用日
    contract_start = "contract_start"  # 契約日
    contract_end = "contract_end"  # 契約終了日
    full_repayment = "full_repayment"  # 完済日
    delinquency = "delinquency"  # 延滞発生日
    occurrence = "occurrence"  # 事実の発生日
    assignment = "assignment"  # 債権譲渡日
    last_transaction = "last_transaction"  # 最終取引日
    last_provision = "last_provision"  # 最後の提供日 (Rules 21)
    record_creation = "record_creation"  # 記録作成日 (Q13-35)
    retirement = "retirement"  # 退職日
    filing_deadline_next_jan10 = "filing_deadline_next_jan10"  # 所得税法施行規則76条の3
    purpose_achieved = "purpose_achieved"  # 利用目的の達成
    consent_withdrawn = "consent_withdrawn"  # 同意の撤回


class Period(Model):
    """A span counted from an event: "契約終了後5年間", "照会日から6ヶ月間"."""

    years: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)
    days: int = Field(default=0, ge=0)
    from_event: PeriodEvent = Field(alias="from", description="event the period counts from")
    during_contract: bool = Field(default=False, description="also for the whole contract term")
    text: Text | None = Field(default=None, description="the wording the notice uses")

    @property
    def total_months(self) -> float:
        return self.years * 12 + self.months + self.days / 30.0


class BureauRegistration(Model):
    info_type: Text
    items: list[Text] = Field(default_factory=list)
    period: Period
    shared_with_partners: bool = False


class CreditBureau(Model):
    """A designated credit-information bureau (指定信用情報機関) we inquire at and register with."""

    id: Id
    name: Text
    address: Text
    phone: str
    toll_free: bool = False
    url: str | None = None
    designated_under: list[Text] = Field(default_factory=list, description="割賦販売法, 貸金業法 …")
    partners: list[Text] = Field(default_factory=list, description="bureaus it exchanges with")
    inquiry: Text | None = Field(default=None, description="when we inquire")
    inquiry_threshold_yen: int | None = Field(default=None, ge=0, description="all applications above this")
    registrations: list[BureauRegistration] = Field(default_factory=list)
    provided_items: list[Id] = Field(default_factory=list)
    verified_on: dt.date | None = None


class JointUseMember(Model):
    name: Text
    address: Text | None = None


class JointUse(Model):
    """共同利用 (Art. 27(5)(iii)): five matters must be made knowable in advance."""

    id: Id
    name: Text
    items: list[Id] = Field(default_factory=list)
    item_text: Text | None = None
    members: list[JointUseMember] = Field(default_factory=list)
    scope: Text | None = Field(default=None, description="the range of joint users, when not listed")
    purposes: list[Text] = Field(default_factory=list)
    responsible: JointUseMember | None = None
    responsible_representative: Text | None = None
    acquisition: Text | None = None
    since: dt.date | None = None
    published_in: Text | None = Field(
        default=None, description="a separate publication stating the five matters (e.g. a web page)"
    )
    note: list[Text] = Field(default_factory=list, description="restrictions and remarks the notice states")


class Outsourcee(Model):
    """委託先 (Art. 25, 27(5)(i)): supervised; abroad triggers Art. 28 unless EU/UK or 基準適合体制."""

    id: Id
    name: Text | None = None
    service: Text
    country: str = Field(default="JP", pattern=r"^[A-Z]{2}$")
    items: list[Id] = Field(default_factory=list)
    evaluated_on: dt.date | None = None
    contract_clauses: list[str] = Field(default_factory=list, description="ids from outsourcing.clauses")
    re_outsourcing: Literal["forbidden", "with_permission", "allowed"] = "with_permission"
    my_number: bool = False
    group_company: bool = False


class Outsourcing(Model):
    statement: Text | None = None
    selection_criteria: list[Text] = Field(default_factory=list)
    clauses: dict[str, Text] = Field(default_factory=dict, description="contract clauses by id")
    outsourcees: list[Outsourcee] = Field(default_factory=list)


class CrossBorderBasis(StrEnum):
    consent = "consent"
    equivalent_system = "equivalent_system"  # 基準適合体制 (Rules 16)
    adequate_country = "adequate_country"  # EU/EEA, UK (PPC designation)


class ReferenceInfo(StrEnum):
    """Rules 17(3)(ii), where the country cannot be identified: information in its stead, if there is any."""

    given = "given"  # reference information (e.g. candidate countries) was given with the consent
    none_available = "none_available"  # there was none to give (17(3)(ii) asks for it only where it exists)


class PeriodicCheck(Model):
    """The latest periodic check of a 基準適合体制 (Rules 18(1)(i)) and what it found."""

    checked_on: dt.date
    measures_ensured: bool = Field(description="False: continued implementation cannot be ensured → stop provision")


class CrossBorder(Model):
    id: Id
    recipient: Text
    parties: list[Id] = Field(default_factory=list, description="recipient or outsourcee ids this transfer covers")
    countries: list[str] = Field(default_factory=list, description="ISO codes; empty: not yet identifiable")
    basis: CrossBorderBasis
    purpose: Text | None = None
    items: list[Id] = Field(default_factory=list)
    country_system: Text | None = Field(default=None, description="Rules 17(2)(ii): the country's system")
    recipient_measures: Text | None = Field(default=None, description="Rules 17(2)(iii)")
    unidentified_reason: Text | None = Field(default=None, description="Rules 17(3): why unknown")
    periodic_check: Text | None = Field(default=None, description="Rules 18(1): how and how often")
    reference_info: ReferenceInfo | None = Field(default=None, description="Rules 17(3)(ii): given or none")
    last_check: PeriodicCheck | None = Field(default=None, description="Rules 18(1)(i): the latest check's result")

    @field_validator("countries")
    @classmethod
    def _iso(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(f"country {code!r} must be an ISO 3166-1 alpha-2 code such as US or IE")
        return v

    @model_validator(mode="after")
    def _check_and_reference(self) -> CrossBorder:
        if self.reference_info is not None and self.countries:
            raise ValueError("reference_info: Rules 17(3) reference information stands in for a country that "
                             "cannot be identified; this transfer names its countries")
        if self.last_check is not None and self.basis != CrossBorderBasis.equivalent_system:
            raise ValueError("last_check: a periodic check is of a 基準適合体制 (basis: equivalent_system, "
                             "Rules 18(1))")
        return self


# --- keeping and disposing ----------------------------------------------------------------------------------


class RetentionFloor(Model):
    """A lower bound: e.g. not shorter than the bureau's registration period."""

    bureau: Id
    info_type_index: int = Field(default=0, ge=0, description="index into the bureau's registrations")


class RetentionRule(Model):
    id: Id
    items: list[Id] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    subject_types: list[Id] = Field(default_factory=list)
    period: Period
    floor: RetentionFloor | None = None
    disposal: Text | None = None
    statutory_basis: Text | None = None
    business_day: bool = Field(default=False, description="disposal falls on the next business day when closed")


# --- requests -----------------------------------------------------------------------------------------------


class RequestType(StrEnum):
    purpose_notice = "purpose_notice"
    disclosure = "disclosure"
    correction = "correction"
    suspension = "suspension"
    erasure = "erasure"
    stop_provision = "stop_provision"
    provision_records = "provision_records"
    my_number_held = "my_number_held"


#: Request types a fee may be charged for (Act 38(1)); the law core decides, the schema only follows.
CHARGEABLE = frozenset(RequestType(kind) for kind in CHARGEABLE_REQUESTS)


class Fee(Model):
    amount_yen: int | None = Field(default=None, ge=0, description="None: the amount is not stated")
    tax: Literal["included", "excluded", "none"] = "included"
    condition: Text | None = None
    actual_cost_yen: int | None = Field(default=None, ge=0, description="estimated handling cost (Art. 38(2))")


class RequestProcedure(Model):
    type: RequestType
    fees: list[Fee] = Field(default_factory=list)
    deadline_business_days: int | None = Field(default=None, ge=1, le=60)
    note: Text | None = None


class IdentityDocuments(Model):
    photo: list[Text] = Field(default_factory=list, description="one of these suffices")
    non_photo: list[Text] = Field(default_factory=list)
    non_photo_required: int = Field(default=2, ge=1, le=3, description="how many non-photo documents")
    note: Text | None = None


class Agent(Model):
    kind: Literal["legal_representative", "appointed"]
    name: Text
    proofs: list[Text] = Field(default_factory=list)


class ResponseMethod(StrEnum):
    registered_mail = "registered_mail"  # 本人限定受取郵便 / 簡易書留 to the registered address
    mail = "mail"
    electronic = "electronic"  # Art. 33(1), Rules 30: e-mail, download
    in_person = "in_person"
    phone = "phone"


class Requests(Model):
    desk: Id
    how_to_apply: Text | None = None
    forms: list[Text] = Field(default_factory=list)
    procedures: list[RequestProcedure] = Field(min_length=1)
    identity_documents: IdentityDocuments
    agents: list[Agent] = Field(default_factory=list)
    response_methods: list[ResponseMethod] = Field(min_length=1)
    payment: Text | None = None
    payment_deadline_days: int | None = Field(default=None, ge=1)
    refusal_grounds: list[Text] = Field(default_factory=list)
    refusal_notice_days: int | None = Field(default=None, ge=1, description="notify non-disclosure within")
    alternative_measures: Text | None = None
    file_retention_years: int | None = Field(
        default=None, ge=1, le=30,
        description="years a closed request's file is kept after closing (None: 3, as Rules 21)")


# --- everything else the notice must say --------------------------------------------------------------------


class Role(Model):
    """An actor role: which purposes and categories it may use."""

    id: Id
    name: Text
    purposes: list[Id] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)


class AnalyticsTool(Model):
    name: str
    provider: Text | None = None
    purpose: Text | None = None
    opt_out_url: str | None = None


class Cookies(Model):
    uses: list[Text] = Field(default_factory=list)
    analytics: list[AnalyticsTool] = Field(default_factory=list)
    opt_out: Text | None = None
    links_to_personal_data: bool = Field(default=False, description="joined with member data: personal data")


class SecurityMeasures(Model):
    """Art. 23 / 32(1)(iv), Order 10: the measures taken, by the guideline's headings."""

    basic_policy: list[Text] = Field(default_factory=list)
    rules: list[Text] = Field(default_factory=list)
    organizational: list[Text] = Field(default_factory=list)
    human: list[Text] = Field(default_factory=list)
    physical: list[Text] = Field(default_factory=list)
    technical: list[Text] = Field(default_factory=list)
    external_environment: list[Text] = Field(default_factory=list)
    foreign_handling: list[str] = Field(default_factory=list, description="countries where data is stored")


class ProcessedInformation(Model):
    """Anonymized (匿名加工) or pseudonymized (仮名加工) information the company makes."""

    produces: bool = False
    statement: Text | None = None
    items: list[Text] = Field(default_factory=list, description="published items (Act 43(3))")
    provision_method: Text | None = None
    purposes: list[Text] = Field(default_factory=list)


class Children(Model):
    guardian_consent_below_age: int = Field(default=16, ge=13, le=20, description="under this age")
    statement: Text | None = None


class BreachResponse(Model):
    statement: Text | None = None
    notify_persons: bool = True


class NoticeSectionId(StrEnum):
    """The notice's standard sections, in the order they appear (``preamble`` = before all of them)."""

    preamble = "preamble"
    operator = "operator"
    purposes = "purposes"
    my_number = "my_number"
    special_care = "special_care"
    items = "items"
    third_party = "third_party"
    joint_use = "joint_use"
    outsourcing = "outsourcing"
    cross_border = "cross_border"
    credit_bureaus = "credit_bureaus"
    consent = "consent"
    security = "security"
    requests = "requests"
    retention = "retention"
    anonymized = "anonymized"
    pseudonymized = "pseudonymized"
    cookies = "cookies"
    children = "children"
    breach = "breach"
    contact = "contact"
    accredited = "accredited"


class Section(Model):
    """A seed-specific section the notice carries verbatim (e.g. call recording)."""

    title: Text
    body: list[Text] = Field(min_length=1)
    after: NoticeSectionId | None = Field(default=None, description="the standard section to follow; none: at the end")


class NoticeSettings(Model):
    title: Text = LocalizedText(ja="個人情報の取扱いについて", en="Privacy Notice")
    we: Text = Field(default=LocalizedText(ja="当社", en="we"), description="how the company calls itself (当社/弊社)")
    preamble: list[Text] = Field(default_factory=list)
    established: dt.date | None = None
    revised: list[dt.date] = Field(default_factory=list)
    effective: dt.date | None = None
    sections: list[Section] = Field(default_factory=list)


class Calendar(Model):
    company_closures: list[tuple[str, str]] = Field(
        default_factory=lambda: [("12-29", "01-03")], description="MM-DD ranges, may wrap the year end"
    )

    @field_validator("company_closures")
    @classmethod
    def _mmdd(cls, v: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for pair in v:
            for s in pair:
                if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", s):
                    raise ValueError(f"closure day {s!r} must be MM-DD, e.g. 12-29")
        return v


class LawSettings(LawParameters):
    """The law core's configurable values (uncertain ones, with the engine's defaults) and the sector."""

    sector: list[Literal["credit", "lease", "servicer", "bpo", "ecommerce", "general"]] = Field(
        default_factory=lambda: ["general"]
    )


# --- external systems requests must reach --------------------------------------------------------------------

SQL_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
SqlName = Annotated[str, Field(pattern=SQL_NAME, max_length=63, description="a plain SQL identifier")]


class ConnectorTable(Model):
    """One table of an external database holding personal data, and how a request reaches it.

    ``key_item`` names what identifies the person there: an item of the program (its current vault value)
    or ``external_ref`` (the subject's business key). ``columns`` maps each personal-data column to the
    item it holds, so a disclosure package can say what came from where.
    """

    table: SqlName
    db_schema: SqlName | None = Field(default=None, alias="schema", description="the database schema, if any")
    subject_key: SqlName = Field(description="the column that identifies the person")
    key_item: str = Field(description="an item id, or external_ref")
    columns: dict[SqlName, Id] = Field(min_length=1, description="personal-data column -> item id")
    on_erasure: Literal["delete_row", "null_columns"] = "delete_row"
    keep_columns: list[SqlName] = Field(default_factory=list, description="columns erasure leaves in place")

    @model_validator(mode="after")
    def _kept_columns_are_declared(self) -> ConnectorTable:
        for col in self.keep_columns:
            if col not in self.columns:
                raise ValueError(f"keep_columns: {col!r} is not one of the declared columns")
        if self.on_erasure == "null_columns" and self.subject_key in self.columns:
            raise ValueError(f"columns: the key column {self.subject_key!r} cannot be nulled (use keep_columns)")
        return self


class Connector(Model):
    """An external SQL database (SQLAlchemy URL) that disclosure and erasure must reach.

    ``url`` may contain ``${ENV_VAR}`` placeholders, expanded only when connecting, so that passwords stay
    out of the program file (and out of its diff and lint output).
    """

    id: Id
    name: Text
    url: str = Field(min_length=1, description="SQLAlchemy URL; ${VAR} expanded from the environment")
    tables: list[ConnectorTable] = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _no_password_in_the_file(cls, v: str) -> str:
        m = re.search(r"://[^/@:]*:([^@/]*)@", v)
        if m and m.group(1) and not re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", m.group(1)):
            raise ValueError("a password must not be written in the program: use ${ENV_VAR} (e.g. ${CRM_DB_PASSWORD})")
        return v


class Policy(Model):
    """The whole privacy program (hogo.yaml)."""

    version: Literal[1] = 1
    organization: Organization
    desks: list[Desk] = Field(min_length=1)
    accredited_organizations: list[AccreditedOrganization] = Field(default_factory=list)
    subject_types: list[SubjectType] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)
    special_care: Text | None = Field(default=None, description="how 要配慮 information is handled")
    sensitive: Text | None = Field(default=None, description="how 機微(センシティブ)情報 is handled")
    consent_documents: list[ConsentDocument] = Field(default_factory=list)
    provision: Text | None = Field(default=None, description="the general third-party provision statement")
    provision_exceptions: list[Text] = Field(default_factory=list)
    cross_border_statement: list[Text] = Field(
        default_factory=list, description="the general rule for provision abroad (Art. 28), beside declared transfers"
    )
    recipients: list[Recipient] = Field(default_factory=list)
    credit_bureaus: list[CreditBureau] = Field(default_factory=list)
    joint_uses: list[JointUse] = Field(default_factory=list)
    outsourcing: Outsourcing = Outsourcing()
    cross_border: list[CrossBorder] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    requests: Requests
    roles: list[Role] = Field(default_factory=list)
    cookies: Cookies | None = None
    security: SecurityMeasures = SecurityMeasures()
    anonymized: ProcessedInformation = ProcessedInformation()
    pseudonymized: ProcessedInformation = ProcessedInformation()
    children: Children | None = None
    breach: BreachResponse | None = None
    notice: NoticeSettings = NoticeSettings()
    calendar: Calendar = Calendar()
    law: LawSettings = LawSettings()
    connectors: list[Connector] = Field(default_factory=list, description="external databases requests reach")

    @field_validator("connectors")
    @classmethod
    def _connector_items(cls, v: list[Connector], info: ValidationInfo) -> list[Connector]:
        """Every item a connector names must exist (checked here, after ``items``, so the error has a line)."""
        items = {i.id for i in info.data.get("items") or []}
        if not items:
            return v  # items themselves failed: that error is reported
        for i, conn in enumerate(v):
            for j, tab in enumerate(conn.tables):
                where = f"connectors[{i}].tables[{j}]"
                if tab.key_item != "external_ref" and tab.key_item not in items:
                    raise ValueError(f"{where}.key_item: {tab.key_item!r} is neither an item of the program "
                                     "nor external_ref")
                for col, item in tab.columns.items():
                    if item not in items:
                        raise ValueError(f"{where}.columns.{col}: {item!r} is not an item of the program")
        return v

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        for name in ("desks", "subject_types", "items", "purposes", "consent_documents", "recipients",
                     "credit_bureaus", "joint_uses", "cross_border", "retention", "roles", "connectors"):
            seen: set[str] = set()
            for i, entry in enumerate(getattr(self, name)):
                if entry.id in seen:
                    raise ValueError(f"{name}[{i}].id {entry.id!r} is used twice; ids must be unique")
                seen.add(entry.id)
        return self

    # Look-ups the linter, the notice and the engine share.
    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def purpose(self, purpose_id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)

    def desk(self, desk_id: str) -> Desk | None:
        return next((d for d in self.desks if d.id == desk_id), None)

    def items_of(self, purpose: Purpose) -> list[Item]:
        """Items a purpose may use: named ones plus every item of its categories."""
        named = [i for i in (self.item(x) for x in purpose.items) if i is not None]
        by_category = [i for i in self.items if i.category in purpose.categories and i not in named]
        return named + by_category
