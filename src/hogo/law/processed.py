"""Pseudonymously (仮名加工, Act 41–42) and anonymously (匿名加工, Act 43–46) processed information.

Pure rules: may a processed data set go to a third party, which duties follow its creation, what the
processing standards of the Rules are. The anonymize room applies the standards; the provision service
asks :func:`processed_provision_decision` before anything processed leaves the company.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .provision import ProvisionBasis
from .reasons import REASONS, Decision, Reason, _cite_appi, register

__all__ = [
    "PROCESSING_STANDARDS",
    "ProcessedKind",
    "ProcessedProvisionFacts",
    "Obligation",
    "ProcessingStandard",
    "creation_obligations",
    "processed_provision_decision",
    "pseudonymized_purpose_change",
    "reidentification_decision",
    "contact_decision",
]


class ProcessedKind(StrEnum):
    ANONYMIZED = "anonymized"  # 匿名加工情報
    PSEUDONYMIZED = "pseudonymized"  # 仮名加工情報


PUBLISH = "publish"  # 公表: the requirement 41(4)/(6) and 43(3)/(4) substitute for notice to the person
STATE_TO_RECIPIENT = "state_to_recipient"  # 明示: Act 43(4)/44, Rules 37


def _appi(code: str, ja: str, en: str) -> None:
    if code not in REASONS:  # APPI-41-6 and APPI-43-3 are already in the core table
        art_en, art_ja = _cite_appi(code)
        register(Reason(code, art_en, ja, en, art_ja))


def _rules(article: int, item: int | None, ja: str, en: str) -> None:
    roman = ["", "i", "ii", "iii", "iv", "v"]
    code = f"APPI-RULES-{article}" + (f"-{item}" if item else "")
    if code in REASONS:
        return
    art_en = f"APPI Rules Art. {article}" + (f"({roman[item]})" if item else "")
    art_ja = f"個人情報保護法施行規則第{article}条" + (f"第{item}号" if item else "")
    register(Reason(code, art_en, ja, en, art_ja))


for _code, _ja, _en in [
    ("APPI-41-1", "仮名加工情報を作成するときは、規則31条の基準に従い個人情報を加工しなければならない。",
     "Pseudonymously processed information must be made by processing per the Rules 31 standards."),
    ("APPI-41-2", "仮名加工情報を作成したときは、削除情報等の漏えいを防止するため規則32条の安全管理措置を講じなければならない。",
     "The deleted information (keys, tables) must be secured per Rules 32."),
    ("APPI-41-3", "仮名加工情報は、法令に基づく場合を除き、特定された利用目的の達成に必要な範囲を超えて取り扱ってはならない。",
     "Pseudonymously processed information may be used only within the specified purposes, except as required by law."),
    ("APPI-41-4", "仮名加工情報の利用目的を変更したときは、変更後の利用目的を公表しなければならない（通知に代えて公表）。",
     "A changed purpose of pseudonymously processed information must be published."),
    ("APPI-41-7", "仮名加工情報を取り扱うに当たっては、本人を識別するために他の情報と照合してはならない。",
     "Pseudonymously processed information must not be collated with other information to identify the person."),
    ("APPI-41-8", "仮名加工情報に含まれる連絡先等を利用して、電話・郵便・電子メール・訪問等により本人に連絡してはならない。",
     "Contact data in pseudonymously processed information must not be used to phone, mail, e-mail or visit the person."),
    ("APPI-41-9", "仮名加工情報には、法17条2項（目的変更の制限）、26条（漏えい等報告）及び32条から39条（開示等請求）は適用されない。",
     "Art. 17(2), 26 (breach reports) and 32-39 (requests) do not apply to pseudonymously processed information."),
    ("APPI-42-1", "仮名加工情報（個人情報でないもの）も、法令に基づく場合を除き第三者に提供してはならない。",
     "Pseudonymously processed information that is not personal information must not be provided to third parties either."),
    ("APPI-43-1", "匿名加工情報を作成するときは、規則34条の基準に従い個人情報を加工しなければならない。",
     "Anonymously processed information must be made by processing per the Rules 34 standards."),
    ("APPI-43-2", "匿名加工情報を作成したときは、削除した記述等及び加工の方法に関する情報の漏えいを防止するため安全管理措置を講じなければならない。",
     "The deleted descriptions and the processing-method information must be secured (Rules 35)."),
    ("APPI-43-4", "作成した匿名加工情報を第三者に提供するときは、あらかじめ含まれる項目と提供の方法を公表し、提供先に匿名加工情報である旨を明示しなければならない。",
     "Before providing anonymously processed information it made, the business publishes the items and the method and states to the recipient that it is anonymously processed."),
    ("APPI-43-5", "匿名加工情報を作成して自ら取り扱うときは、本人を識別するために他の情報と照合してはならない。",
     "The creator must not collate anonymously processed information with other information to identify persons."),
    ("APPI-43-6", "匿名加工情報の安全管理・苦情処理等の措置を講じ、その内容を公表するよう努めなければならない。",
     "The creator endeavours to take security and complaint-handling measures and publish them."),
    ("APPI-44", "匿名加工情報を第三者に提供するときは、あらかじめ含まれる項目と提供の方法を公表し、提供先に匿名加工情報である旨を明示しなければならない。",
     "A holder providing anonymously processed information publishes the items and method in advance and states to the recipient what it is."),
    ("APPI-45", "匿名加工情報の受領者は、削除情報・加工方法等情報を取得し、又は他の情報と照合して本人を識別してはならない。",
     "A holder of anonymously processed information must not acquire deleted or method information or collate it to identify persons."),
    ("APPI-46", "匿名加工情報取扱事業者は、安全管理・苦情処理等の措置を講じ、公表するよう努めなければならない。",
     "Holders of anonymously processed information endeavour to take security and complaint measures and publish them."),
]:
    _appi(_code, _ja, _en)

for _art, _item, _ja, _en in [
    (31, 1, "特定の個人を識別できる記述等の全部又は一部を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete all or part of the descriptions that identify an individual (or replace them irreversibly)."),
    (31, 2, "個人識別符号の全部を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete all individual identification codes (or replace them irreversibly)."),
    (31, 3, "不正に利用されることにより財産的被害が生じるおそれがある記述等（クレジットカード番号等）を削除。",
     "Delete descriptions whose misuse may cause property damage (card numbers etc.)."),
    (32, None, "削除情報等の取扱者の権限・責任の明確化、取扱規程の策定と運用、権限のない者による取扱いの防止。",
     "Deleted information: clear authority, rules and their operation, no handling by unauthorised persons."),
    (34, 1, "特定の個人を識別できる記述等の全部又は一部を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete all or part of the descriptions that identify an individual (or replace them irreversibly)."),
    (34, 2, "個人識別符号の全部を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete all individual identification codes (or replace them irreversibly)."),
    (34, 3, "個人情報と加工した情報とを連結する符号を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete the codes linking the personal information with the processed information (or replace them irreversibly)."),
    (34, 4, "特異な記述等を削除（復元できない規則性を有しない方法による置換を含む）。",
     "Delete peculiar descriptions (or replace them irreversibly)."),
    (34, 5, "個人情報データベース等の性質を勘案し、その他の適切な措置（一般化・トップコーディング・k-匿名化等）を講じる。",
     "Take other appropriate measures in light of the database's characteristics (generalization, top coding, k-anonymity …)."),
    (35, None, "加工方法等情報の取扱者の権限・責任の明確化、取扱規程の策定と運用、権限のない者による取扱いの防止。",
     "Processing-method information: clear authority, rules and their operation, no handling by unauthorised persons."),
    (36, None, "匿名加工情報に含まれる個人に関する情報の項目の公表は、インターネット等により遅滞なく行う。",
     "Publish the items contained without delay, by the internet or other appropriate means."),
    (37, None, "匿名加工情報である旨の明示は、電子メール又は書面の交付その他の適切な方法による。",
     "State to the recipient that it is anonymously processed information by e-mail, paper or other fit means."),
]:
    _rules(_art, _item, _ja, _en)


@dataclass(frozen=True, slots=True)
class ProcessingStandard:
    """One processing standard of the Rules, in the order it is applied."""

    id: str  # "S1" … "S5" (anonymized), "P1" … "P3" (pseudonymized)
    code: str  # the reason code citing the Rules item
    ja: str
    en: str


PROCESSING_STANDARDS: dict[ProcessedKind, tuple[ProcessingStandard, ...]] = {
    ProcessedKind.ANONYMIZED: tuple(
        ProcessingStandard(f"S{i}", f"APPI-RULES-34-{i}", REASONS[f"APPI-RULES-34-{i}"].ja,
                           REASONS[f"APPI-RULES-34-{i}"].en)
        for i in range(1, 6)
    ),
    ProcessedKind.PSEUDONYMIZED: tuple(
        ProcessingStandard(f"P{i}", f"APPI-RULES-31-{i}", REASONS[f"APPI-RULES-31-{i}"].ja,
                           REASONS[f"APPI-RULES-31-{i}"].en)
        for i in range(1, 4)
    ),
}


@dataclass(frozen=True, slots=True)
class ProcessedProvisionFacts:
    """Facts of giving a processed data set to someone else.

    ``basis``: for pseudonymized data the only routes left are laws, outsourcing, succession and joint
    use (Act 41(6)). For anonymized data no consent is needed, but ``items_published`` and
    ``method_published`` (in advance) and ``statement_to_recipient`` (明示) must all hold (Act 43(4)/44).
    ``created_by_us``: the provider made the set (43(4)) or received it (44).
    ``joint_use_published``: for joint use of pseudonymized data the 27(5)(iii) matters are *published*.
    """

    kind: ProcessedKind
    basis: ProvisionBasis | None = None
    items_published: bool = False
    method_published: bool = False
    statement_to_recipient: bool = False
    created_by_us: bool = True
    joint_use_published: bool = False


_PSEUDO_ROUTES = {
    ProvisionBasis.OUTSOURCING: "APPI-27-5-1",
    ProvisionBasis.SUCCESSION: "APPI-27-5-2",
    ProvisionBasis.JOINT_USE: "APPI-27-5-3",
}


def processed_provision_decision(facts: ProcessedProvisionFacts) -> Decision:
    """May the processed set go to the recipient?

    Pseudonymized: refused (Act 41(6)) unless required by law or the recipient is not a third party
    (outsourcing, succession, joint use — 41(6) reading 27(5)); consent and opt-out do not open it.
    Anonymized: allowed without consent once items and method are published and the recipient is told
    it is anonymously processed information (43(4) for the creator, 44 for others; Rules 37).
    """
    kind = ProcessedKind(facts.kind)
    if kind is ProcessedKind.PSEUDONYMIZED:
        basis = ProvisionBasis(facts.basis) if facts.basis is not None else None
        if basis is ProvisionBasis.EXCEPTION_LAWS:
            return Decision.allow("APPI-41-6", "APPI-27-1-1", note="provision required by law")
        if basis in _PSEUDO_ROUTES:
            if basis is ProvisionBasis.JOINT_USE and not facts.joint_use_published:
                return Decision.deny("APPI-41-6", "APPI-27-5-3", requirement=PUBLISH,
                                     note="joint use of pseudonymized data: publish the 27(5)(iii) matters first")
            req = PUBLISH if basis is ProvisionBasis.JOINT_USE else "none"
            return Decision.allow("APPI-41-6", _PSEUDO_ROUTES[basis], requirement=req,
                                  note="not a third party (41(6) reading 27(5))")
        return Decision.deny("APPI-41-6", "APPI-42-1",
                             note=f"pseudonymized data may not be provided on basis {basis.value if basis else 'none'}")
    article = "APPI-43-4" if facts.created_by_us else "APPI-44"
    missing = []
    if not facts.items_published:
        missing.append("items")
    if not facts.method_published:
        missing.append("method")
    if not facts.statement_to_recipient:
        missing.append("statement")
    if missing:
        codes = [article] + (["APPI-RULES-37"] if "statement" in missing else [])
        req = STATE_TO_RECIPIENT if missing == ["statement"] else PUBLISH
        return Decision.deny(*codes, requirement=req, note="missing: " + ", ".join(missing))
    return Decision.allow(article, "APPI-RULES-37", note="items and method published; recipient told")


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty that follows the creation of a processed set; ``met`` is None for continuing duties."""

    code: str
    duty: str  # short machine name: publish_items, secure_method_info, no_reidentification …
    met: bool | None
    ja: str
    en: str


def creation_obligations(
    kind: ProcessedKind | str,
    *,
    items_published: bool = False,
    method_info_secured: bool = False,
    purposes_published: bool = False,
) -> list[Obligation]:
    """The duties on the creator of a processed set and whether the facts given meet them.

    Anonymized: publish the items contained without delay (43(3), Rules 36), secure the processing-method
    information (43(2), Rules 35), never re-identify (43(5)), security and complaint measures (43(6)).
    Pseudonymized: secure the deleted information (41(2), Rules 32), use only within published purposes
    (41(3)/(4)), never re-identify (41(7)), never contact (41(8)); breach reports and requests are
    disapplied (41(9)).
    """
    def ob(code: str, duty: str, met: bool | None) -> Obligation:
        r = REASONS[code]
        return Obligation(code, duty, met, r.ja, r.en)

    if ProcessedKind(kind) is ProcessedKind.ANONYMIZED:
        return [
            ob("APPI-43-3", "publish_items", items_published),
            ob("APPI-43-2", "secure_method_info", method_info_secured),
            ob("APPI-43-5", "no_reidentification", None),
            ob("APPI-43-6", "security_measures_published", None),
        ]
    return [
        ob("APPI-41-2", "secure_deletion_info", method_info_secured),
        ob("APPI-41-4", "publish_purposes", purposes_published),
        ob("APPI-41-7", "no_reidentification", None),
        ob("APPI-41-8", "no_contact", None),
        ob("APPI-41-9", "breach_reports_and_requests_disapplied", None),
    ]


def pseudonymized_purpose_change(*, published: bool, required_by_law: bool = False) -> Decision:
    """Change the purpose of pseudonymized data: beyond the related scope is allowed (41(9) disapplies
    17(2)), but only once the new purpose is published (41(4)); use outside purposes needs a law (41(3))."""
    if required_by_law:
        return Decision.allow("APPI-41-3", note="use required by law")
    if not published:
        return Decision.deny("APPI-41-4", requirement=PUBLISH, note="publish the changed purpose first")
    return Decision.allow("APPI-41-4", "APPI-41-9", requirement=PUBLISH)


def reidentification_decision(kind: ProcessedKind | str, *, created_by_us: bool = True) -> Decision:
    """Collating processed data to identify a person is never allowed (41(7), 43(5), 45)."""
    if ProcessedKind(kind) is ProcessedKind.PSEUDONYMIZED:
        return Decision.deny("APPI-41-7")
    return Decision.deny("APPI-43-5" if created_by_us else "APPI-45")


def contact_decision(kind: ProcessedKind | str) -> Decision:
    """Using contact data in pseudonymized data to reach the person is refused (41(8))."""
    if ProcessedKind(kind) is ProcessedKind.PSEUDONYMIZED:
        return Decision.deny("APPI-41-8")
    return Decision.deny("APPI-43-5", note="anonymized data identifies no one to contact")
