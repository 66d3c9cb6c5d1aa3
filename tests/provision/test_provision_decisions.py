"""The provision decision table, through the service on both databases: provide, receive, provide_related.

Each row names the article (and the case id of the reference, where there is one), the facts, and what the
law says: provided / received with its reason codes and its record (checked field by field), or refused with
the article's code. The person's consent comes from the real consent room; some rows first receive the
person's data (by opt-out, by consent, later found improperly acquired), so that the Art. 27(2) proviso is
decided from the receipts' lineage. A last table checks keep-until by
case (Rules 21 / 25 / 29: 1 or 3 years, from the last provision or the record's creation, 29 February).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from hogo import clock
from hogo.access.service import AccessDenied
from hogo.consent.service import Consents
from hogo.db import unit_of_work
from hogo.policy.models import CrossBorder, Item, JointUse, Outsourcee, Recipient
from hogo.provision.models import Provision, ProvisionRecord, ReceiptRecord, RelatedProvision
from hogo.provision.service import Provisions
from hogo.vault.service import VaultError

SCREENING = "credit_screening"
TODAY = clock.today()
OPT_OUT = {"ppc_filed_on": "2026-04-01", "acquisition_method": "申込書", "provision_method": "電子データ",
           "request_method": "電話"}


def _program(h):
    p = h.policy
    medical = Item.model_validate({"id": "medical_history", "name": {"ja": "病歴", "en": "Medical history"},
                                   "category": "special_care", "subject_types": ["customer"]})
    recipients = [Recipient.model_validate(r) for r in [
        {"id": "sister", "name": "ほごリース株式会社", "address": "東京都港区芝1-1-1",
         "representative": "代表取締役 リース花子", "basis": "consent", "items": ["name", "address", "payment_history"]},
        {"id": "list_broker", "name": "名簿株式会社", "basis": "opt_out",
         "items": ["name", "address", "medical_history"], "opt_out": OPT_OUT},
        {"id": "unfiled_broker", "name": "未届出株式会社", "basis": "opt_out", "items": ["name"],
         "opt_out": {k: v for k, v in OPT_OUT.items() if k != "ppc_filed_on"}},
        {"id": "rebroker", "name": "転売株式会社", "basis": "opt_out", "items": ["name"], "opt_out": OPT_OUT,
         "acquired_via_opt_out": True},
        {"id": "prefecture", "name": "東京都", "basis": "consent", "public_body": True, "items": ["name"]},
        {"id": "university", "name": "ほご大学", "basis": "laws", "items": ["name", "payment_history"]},
        {"id": "us_partner", "name": "Hogo US Inc.", "country": "US", "basis": "consent", "items": ["name"]},
        {"id": "us_partner_noinfo", "name": "Vague US Inc.", "country": "US", "basis": "consent", "items": ["name"]},
        {"id": "cn_partner", "name": "Hogo CN Ltd.", "country": "CN", "basis": "consent", "items": ["name"]},
        # vendors not yet chosen when consent was obtained: their country is left at the default
        {"id": "future_vendor", "name": "未定の委託先", "basis": "consent", "items": ["name"]},
        {"id": "future_vendor_none", "name": "未定の委託先(参考情報なし)", "basis": "consent", "items": ["name"]},
        {"id": "future_vendor_noref", "name": "未定の委託先(参考情報未提供)", "basis": "consent", "items": ["name"]},
    ]]
    consent = {"id": "partner_consent", "title": "提携先への提供に関する同意",
               "versions": [{"version": "2.0", "effective_from": "2026-04-01"}], "purposes": [SCREENING],
               "provisions": ["sister", "prefecture", "us_partner", "us_partner_noinfo", "cn_partner", "future_vendor",
                              "future_vendor_none", "future_vendor_noref"],
               "cross_border": ["us_transfer", "us_noinfo", "future", "future_none", "future_noref"]}
    future = {"recipient": "未定の海外委託先", "countries": [], "basis": "consent",
              "unidentified_reason": "委託先を選定中のため所在国を特定できない",
              "recipient_measures": "OECDプライバシーガイドライン8原則に沿った措置を契約で求める"}
    cross_border = [CrossBorder.model_validate(c) for c in [
        {"id": "us_transfer", "recipient": "Hogo US", "parties": ["us_partner", "cn_partner"], "countries": ["US"],
         "basis": "consent", "country_system": "米国には連邦の包括的な個人情報保護法はない",
         "recipient_measures": "OECDプライバシーガイドライン8原則に沿った措置"},
        {"id": "us_noinfo", "recipient": "Vague US", "parties": ["us_partner_noinfo"], "countries": ["US"],
         "basis": "consent"},
        {"id": "sg_system", "recipient": "SG cloud", "parties": ["sg_cloud", "sg_retailer"], "countries": ["SG"],
         "basis": "equivalent_system", "periodic_check": "年1回、契約の履行状況を確認"},
        {**future, "id": "future", "parties": ["future_vendor"], "reference_info": "given"},
        {**future, "id": "future_none", "parties": ["future_vendor_none"], "reference_info": "none_available"},
        {**future, "id": "future_noref", "parties": ["future_vendor_noref"]},
        {"id": "vn_system", "recipient": "VN cloud", "parties": ["vn_cloud"], "countries": ["VN"],
         "basis": "equivalent_system", "periodic_check": "年1回、監査報告書で確認",
         "last_check": {"checked_on": "2026-10-01", "measures_ensured": False}},
        {"id": "th_system", "recipient": "TH cloud", "parties": ["th_cloud"], "countries": ["TH"],
         "basis": "equivalent_system", "periodic_check": "年1回、監査報告書で確認",
         "last_check": {"checked_on": "2026-10-01", "measures_ensured": True}},
    ]]
    outsourcees = [Outsourcee.model_validate(o) for o in [
        {"id": "printer", "name": "ほご印刷株式会社", "service": "印刷・発送", "items": ["name", "address"]},
        {"id": "payroll", "service": "給与計算", "items": ["name", "my_number"], "my_number": True},
        {"id": "us_cloud", "service": "クラウド", "country": "US", "items": ["name", "address"]},
        {"id": "eu_cloud", "service": "クラウド", "country": "DE", "items": ["name", "address"]},
        {"id": "sg_cloud", "service": "クラウド", "country": "SG", "items": ["name", "address"]},
        {"id": "vn_cloud", "service": "クラウド", "country": "VN", "items": ["name", "address"]},
        {"id": "th_cloud", "service": "クラウド", "country": "TH", "items": ["name", "address"]},
    ]]
    joint = [JointUse.model_validate(j) for j in [
        {"id": "group", "name": "グループ共同利用", "items": ["name", "address"], "members": [{"name": "ほごリース株式会社"}],
         "purposes": ["与信判断のため"], "responsible_representative": "代表取締役 保護太郎",
         "responsible": {"name": "株式会社ほごクレジット", "address": "東京都千代田区丸の内1-1-1"}},
        {"id": "unpublished", "name": "未公表", "items": ["name"]},
        {"id": "payroll_group", "name": "給与共同利用", "items": ["name", "my_number"], "members": [{"name": "子会社"}],
         "purposes": ["給与計算"], "responsible": {"name": "当社"}},
    ]]
    purposes = [pp.model_copy(update={"items": [*pp.items, "medical_history"]}) if pp.id == SCREENING else pp
                for pp in p.purposes]
    roles = [r.model_copy(update={"categories": [*r.categories, "special_care"]}) if r.id == "screening_staff"
             else r for r in p.roles]
    from hogo.policy.models import ConsentDocument

    return p.model_copy(update={
        "items": [*p.items, medical], "purposes": purposes, "roles": roles, "recipients": recipients,
        "consent_documents": [*p.consent_documents, ConsentDocument.model_validate(consent)],
        "cross_border": cross_border, "joint_uses": joint,
        "outsourcing": p.outsourcing.model_copy(update={"outsourcees": outsourcees})})


@pytest.fixture
def world(h, staff):
    program = _program(h)
    consents = Consents(program, h.vault, h.sessions)
    h.access.consent = consents
    return Provisions(program, h.access), consents


def _subject(h, kind: str = "customer") -> str:
    with unit_of_work(h.sessions) as s:
        return h.vault.create_subject(s, kind).id


# --- provide --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Provide:
    case: str  # case id of the reference (or our own P-number) and the article it rests on
    recipient: str
    items: tuple[str, ...]
    expect: str  # provided | refused | error
    codes: tuple[str, ...]  # provided: codes among the reasons; refused: the refusal exactly; error: the rule
    record: str | None = None  # provided with a record: "consent" or "opt_out"
    consent: tuple[str, ...] = ()  # documents the person agreed to
    basis: str | None = None
    actor: str = "screening"
    purpose: str = SCREENING
    subject_type: str = "customer"
    setup: str | None = None  # stop | shred | a receipt of the person's data first: RECEIPTS
    kwargs: dict = field(default_factory=dict)


LAWS = {"justification": "捜査関係事項照会(刑事訴訟法197条2項)"}
WHY = {"justification": "人命救助のため照会に応じる"}
PROVIDE = [
    Provide("C10 Art.27(1) consent covering the bureau", "cic", ("name", "address", "payment_history"), "provided",
            ("APPI-27-1",), record="consent", consent=("application_consent",)),
    Provide("P02 Art.27(1) no consent in force", "cic", ("name",), "refused", ("APPI-27-1",)),
    Provide("C02 Art.27(1) group company without consent", "sister", ("name", "address"), "refused", ("APPI-27-1",)),
    Provide("P04 Art.27(1) group company with consent", "sister", ("name", "payment_history"), "provided",
            ("APPI-27-1",), record="consent", consent=("partner_consent",)),
    Provide("P05 Art.27(1) items beyond what was declared/consented", "sister", ("name", "income"), "refused",
            ("APPI-27-1",), consent=("partner_consent",)),
    Provide("P06 Art.27(1) consent to another recipient only", "sister", ("name",), "refused", ("APPI-27-1",),
            consent=("application_consent",)),
    Provide("C01 Art.27(1)(i) laws: police enquiry, no record", "cic", ("name", "address"), "provided",
            ("APPI-27-1-1",), basis="exception_laws", kwargs=LAWS),
    Provide("P08 Art.27(1)(ii) life/body/property, consent difficult", "sister", ("name",), "provided",
            ("APPI-27-1-2",), basis="exception_life_body_property", kwargs={**WHY, "consent_difficult": True}),
    Provide("P09 Art.27(1)(ii) consent not difficult", "sister", ("name",), "refused", ("APPI-27-1-2", "APPI-27-1"),
            basis="exception_life_body_property", kwargs=WHY),
    Provide("P10 Art.27(1)(iii) public health, consent difficult", "sister", ("name",), "provided",
            ("APPI-27-1-3",), basis="exception_public_health", kwargs={**WHY, "consent_difficult": True}),
    Provide("P11 Art.27(1)(iii) consent not difficult", "sister", ("name",), "refused", ("APPI-27-1-3", "APPI-27-1"),
            basis="exception_public_health", kwargs=WHY),
    Provide("P12 Art.27(1)(iv) state cooperation would be impeded", "prefecture", ("name",), "provided",
            ("APPI-27-1-4",), basis="exception_state_cooperation", kwargs={**WHY, "consent_difficult": True}),
    Provide("P13 Art.27(1)(iv) consent would not impede", "prefecture", ("name",), "refused",
            ("APPI-27-1-4", "APPI-27-1"), basis="exception_state_cooperation", kwargs=WHY),
    Provide("P14 Art.27(1)(v) academic publication", "university", ("name",), "provided", ("APPI-27-1-5",),
            basis="exception_academic_publication", kwargs=WHY),
    Provide("P15 Art.27(1)(v) unjust infringement", "university", ("name",), "refused", ("APPI-27-1-5", "APPI-27-1"),
            basis="exception_academic_publication", kwargs={**WHY, "unjust_infringement": True}),
    Provide("P16 Art.27(1)(vi) joint academic research", "university", ("name",), "provided", ("APPI-27-1-6",),
            basis="exception_academic_joint", kwargs=WHY),
    Provide("P17 Art.27(1)(vii) academic recipient", "university", ("name", "payment_history"), "provided",
            ("APPI-27-1-7",), basis="exception_academic_recipient", kwargs=WHY),
    Provide("P18 Art.27(1)(vii) unjust infringement", "university", ("name",), "refused", ("APPI-27-1-7", "APPI-27-1"),
            basis="exception_academic_recipient", kwargs={**WHY, "unjust_infringement": True}),
    Provide("P19 Art.27(1)(i) no justification given", "cic", ("name",), "error", ("PRV-JUSTIFICATION",),
            basis="exception_laws"),
    Provide("C11 Art.27(2) opt-out filed: record with the date", "list_broker", ("name", "address"), "provided",
            ("APPI-27-2",), record="opt_out"),
    Provide("C04 Art.27(2) proviso: special care never by opt-out", "list_broker", ("name", "medical_history"),
            "refused", ("APPI-27-2",)),
    Provide("P22 Art.27(2) no PPC filing", "unfiled_broker", ("name",), "refused", ("APPI-27-2", "APPI-27-1")),
    Provide("C05 Art.27(2) proviso: data itself got by opt-out", "rebroker", ("name",), "refused", ("APPI-27-2",)),
    Provide("C05b Art.27(2) proviso: the person's data came in by an opt-out receipt", "list_broker",
            ("name", "address"), "refused", ("APPI-27-2",), setup="received_opt_out"),
    Provide("C05c Art.27(2) the person's data came in by a consent-based receipt", "list_broker", ("name", "address"),
            "provided", ("APPI-27-2",), record="opt_out", setup="received_consent"),
    Provide("C05d Art.27(2) only other items came in by opt-out", "list_broker", ("name", "address"), "provided",
            ("APPI-27-2",), record="opt_out", setup="received_opt_out_other_items"),
    Provide("C05e Art.27(1) data received by opt-out, provided with consent", "sister", ("name", "address"),
            "provided", ("APPI-27-1",), record="consent", consent=("partner_consent",), setup="received_opt_out"),
    Provide("P24a Art.27(2) proviso, Art.20(1): the receipt was found improperly acquired", "list_broker",
            ("name", "address"), "refused", ("APPI-27-2", "APPI-20-1"), setup="received_improper"),
    Provide("P24b Art.27(2) proviso, Art.20(1): improper and by opt-out — improper acquisition named",
            "list_broker", ("name",), "refused", ("APPI-27-2", "APPI-20-1"), setup="received_opt_out_improper"),
    Provide("P24c Art.27(2) the improper receipt brought other items", "list_broker", ("name", "address"),
            "provided", ("APPI-27-2",), record="opt_out", setup="received_improper_other_items"),
    Provide("P24d Art.27(1) improperly acquired data: the bar is on opt-out only", "sister", ("name", "address"),
            "provided", ("APPI-27-1",), record="consent", consent=("partner_consent",), setup="received_improper"),
    Provide("C19 Rules 19(2) proviso: no bulk records for opt-out", "list_broker", ("name",), "error",
            ("APPI-RULES-19-2",), kwargs={"method": "bulk"}),
    Provide("P25 Art.27(5)(i) outsourcing within the purpose", "printer", ("name", "address"), "provided",
            ("APPI-27-5-1",)),
    Provide("P26 Art.27(5)(i) outsourcing beyond the purpose", "printer", ("name",), "refused",
            ("APPI-27-5-1", "APPI-27-1"), kwargs={"within_purpose": False}),
    Provide("P27 Art.27(5)(ii) business succession", "sister", ("name", "address"), "provided", ("APPI-27-5-2",),
            basis="succession"),
    Provide("P28 Art.27(5)(iii) joint use with the five matters", "group", ("name", "address"), "provided",
            ("APPI-27-5-3",)),
    Provide("C07 Art.27(5)(iii) joint use without the responsible person", "unpublished", ("name",), "refused",
            ("APPI-27-5-3", "APPI-27-1")),
    Provide("P30 Art.27(5)(iii) items outside the joint-use scope", "group", ("name", "income"), "refused",
            ("APPI-27-5-3", "APPI-27-1")),
    Provide("J11 MNA Art.19 outsourcing payroll", "payroll", ("name", "my_number"), "provided", ("MNA-19",),
            actor="hr", purpose="withholding", subject_type="employee"),
    Provide("J10 MNA Art.19 group company, even with a basis", "sister", ("name", "my_number"), "refused",
            ("MNA-19",), actor="hr", purpose="withholding", subject_type="employee", basis="consent"),
    Provide("P33 MNA Art.19 no joint use of My Numbers", "payroll_group", ("name", "my_number"), "refused",
            ("MNA-19",), actor="hr", purpose="withholding", subject_type="employee"),
    Provide("C14 Art.16(2) public body: consent, no record", "prefecture", ("name",), "provided", ("APPI-27-1",),
            consent=("partner_consent",)),
    Provide("D08 Art.28(1) consent with the Rules 17 information: recorded", "us_partner", ("name",), "provided",
            ("APPI-28-1", "APPI-28-2", "APPI-RULES-17-2"), record="consent", consent=("partner_consent",)),
    Provide("D04 Art.28(2) consent without the Rules 17 information", "us_partner_noinfo", ("name",), "refused",
            ("APPI-28-2", "APPI-RULES-17-2"), consent=("partner_consent",)),
    Provide("D04b Rules 17(2)(i) the consent named another country (US, recipient in CN)", "cn_partner", ("name",),
            "refused", ("APPI-28-2", "APPI-RULES-17-2"), consent=("partner_consent",)),
    Provide("D05 Rules 17(3) country unidentifiable: reason and candidate countries given", "future_vendor",
            ("name",), "provided", ("APPI-28-1", "APPI-28-2", "APPI-RULES-17-3"), record="consent",
            consent=("partner_consent",)),
    Provide("D05b Rules 17(3)(ii) no reference information existed to give", "future_vendor_none", ("name",),
            "provided", ("APPI-28-1", "APPI-28-2", "APPI-RULES-17-3"), record="consent", consent=("partner_consent",)),
    Provide("D05c Rules 17(3)(ii) reference information not said", "future_vendor_noref", ("name",), "refused",
            ("APPI-28-2", "APPI-RULES-17-3"), consent=("partner_consent",)),
    Provide("D05d Art.28(1) country unidentifiable, no consent", "future_vendor", ("name",), "refused",
            ("APPI-28-1",)),
    Provide("P37 Art.28(1) abroad without consent", "us_partner", ("name",), "refused", ("APPI-28-1",)),
    Provide("P38 Art.28(1) overrides outsourcing to the US", "us_cloud", ("name",), "refused", ("APPI-28-1",)),
    Provide("D01 Art.28(1) EU outsourcee: Art.27(5) applies", "eu_cloud", ("name", "address"), "provided",
            ("APPI-27-5-1",)),
    Provide("D06 Art.28(3) standards system + outsourcing", "sg_cloud", ("name",), "provided",
            ("APPI-RULES-16", "APPI-28-3", "APPI-27-5-1")),
    Provide("D07 Rules 18(1)(ii) periodic check: measures can no longer be ensured → stop", "vn_cloud", ("name",),
            "refused", ("APPI-28-3", "APPI-RULES-18-1")),
    Provide("D07b Rules 18(1)(i) periodic check: measures ensured", "th_cloud", ("name", "address"), "provided",
            ("APPI-RULES-16", "APPI-28-3", "APPI-RULES-18-1", "APPI-27-5-1")),
    Provide("P41 Art.35(3) the person asked to stop provision", "cic", ("name",), "refused", ("APPI-35-3",),
            consent=("application_consent",), setup="stop"),
    Provide("P42 Art.19 shredded subject", "cic", ("name",), "refused", ("ACC-SHREDDED",),
            consent=("application_consent",), setup="shred"),
    Provide("P43 Art.18 role not allowed the purpose", "cic", ("name",), "denied", ("ACC-ROLE-PURPOSE",),
            actor="marketing", consent=("application_consent",)),
]


OPT_OUT_RECEIPT = {"basis": "opt_out", "ppc_publication": "個人情報保護委員会 2026-05-01 公表"}
CONSENT_RECEIPT = {"consent_ref": "提供元同意書 v3"}
RECEIPTS = {  # setup: (items received, how the provider provided them, found improperly acquired afterwards)
    "received_opt_out": (("name", "address"), OPT_OUT_RECEIPT, False),
    "received_consent": (("name", "address"), CONSENT_RECEIPT, False),
    "received_opt_out_other_items": (("payment_history",), OPT_OUT_RECEIPT, False),
    "received_improper": (("name", "address"), CONSENT_RECEIPT, True),
    "received_opt_out_improper": (("name",), OPT_OUT_RECEIPT, True),
    "received_improper_other_items": (("payment_history",), CONSENT_RECEIPT, True),
}


def _check_provision_record(rec: dict, case: Provide, sid: str, world) -> None:
    """Rules 20 items, field by field."""
    prov, _ = world
    assert rec["record"] == "provision" and rec["subject_id"] == sid  # the person
    assert rec["recipient_id"] == case.recipient and rec["recipient_name"]  # the recipient
    assert rec["items"] == list(case.items)  # the items
    assert rec["provided_on"] == TODAY.isoformat()
    assert rec["method"] == "per_provision"
    assert rec["retain_until"] == (TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=1)).isoformat()
    if case.record == "consent":  # Rules 20(1)(ii): that the person consented (the document and version)
        doc = case.consent[0]
        version = next(d for d in prov.policy.consent_documents if d.id == doc).versions[-1].version
        assert rec["consent"] == {"document_id": doc, "version": version}
        assert rec["basis"] == (case.basis or "consent")
    else:  # Rules 20(1)(i): opt-out — the date, no consent statement
        assert rec["consent"] is None and rec["basis"] == "opt_out"


@pytest.mark.parametrize("case", PROVIDE, ids=[c.case.split()[0] for c in PROVIDE])
def test_provide(h, staff, world, case: Provide):
    prov, consents = world
    sid = _subject(h, case.subject_type)
    for doc in case.consent:
        consents.give(sid, doc, channel="written", actor_id=staff["screening"], evidence_ref="form-1")
    if case.setup == "stop":
        prov.stop_provision(staff["screening"], sid, case.recipient)
    elif case.setup == "shred":
        h.access.shred(staff["screening"], sid)
    elif case.setup in RECEIPTS:
        received, how, improper = RECEIPTS[case.setup]
        receipt = prov.receive(staff["screening"], [sid], AD_HOC, list(received), ACQ, purpose_id=SCREENING, **how)
        if improper:
            prov.find_improper_acquisition(staff["screening"], receipt.receipt_id, "提供元が名簿を詐取していたと判明")
    args = dict(purpose_id=case.purpose, basis=case.basis, **case.kwargs)
    if case.expect == "error":
        with pytest.raises(VaultError) as err:
            prov.provide(staff[case.actor], [sid], case.recipient, list(case.items), **args)
        assert err.value.rule == case.codes[0]
        return
    if case.expect == "denied":
        with pytest.raises(AccessDenied) as denied:
            prov.provide(staff[case.actor], [sid], case.recipient, list(case.items), **args)
        assert list(case.codes) == [c for c in denied.value.reasons if c in case.codes]
        return
    result = prov.provide(staff[case.actor], [sid], case.recipient, list(case.items), **args)
    with h.sessions() as s:
        records = s.scalars(select(ProvisionRecord)).all()
        batches = s.scalars(select(Provision)).all()
    if case.expect == "refused":
        assert result.provided == [] and result.refused == {sid: list(case.codes)}
        assert records == [] and batches == []
        return
    assert result.provided == [sid] and result.refused == {}
    assert set(case.codes) <= set(result.reasons), result.reasons
    assert [b.basis for b in batches] == [case.basis or prov.recipient(case.recipient).default_basis.value]
    if case.record is None:
        assert result.records == 0 and records == []
        return
    assert result.records == 1
    [rec] = prov.records_for(sid)
    _check_provision_record(rec, case, sid, world)


# --- receive (Art. 30) -----------------------------------------------------------------------------------------

ACQ = "本人から申込書により取得(同意条項あり)"
AD_HOC = {"name": "株式会社データ提供", "address": "大阪府大阪市北区梅田1-1-1", "representative": "代表取締役 提供一郎"}


@dataclass(frozen=True)
class Receive:
    case: str
    provider: object
    items: tuple[str, ...]
    expect: str  # received | refused
    codes: tuple[str, ...]  # received: codes among the reasons; refused: (rule, field)
    kind: str | None = None  # the record kind when a record is written
    basis: str | None = None
    acquired_how: str | None = ACQ
    kwargs: dict = field(default_factory=dict)


RECEIVE = [
    Receive("R01 Art.30(1),Rules 24 consent-based from the bureau", {"id": "cic", "representative": "代表取締役 某"},
            ("name", "payment_history"), "received", ("APPI-30-1", "APPI-RULES-24-1"), kind="recipient_consent",
            kwargs={"consent_ref": "申込書 同意条項第5条"}),
    Receive("R02 Art.30(1),Rules 24 consent-based from an ad-hoc business", AD_HOC, ("name", "address"), "received",
            ("APPI-30-1-1", "APPI-30-1-2"), kind="recipient_consent", kwargs={"consent_ref": "提供元同意書 v3"}),
    Receive("C13 Art.30(1)(ii) acquisition not confirmed", AD_HOC, ("name",), "refused",
            ("APPI-30-1-2", "acquired_how"), acquired_how=None, kwargs={"consent_ref": "x"}),
    Receive("R04 Art.30(1)(i) corporation without its representative", {**AD_HOC, "representative": None},
            ("name",), "refused", ("APPI-30-1-1", "provider"), kwargs={"consent_ref": "x"}),
    Receive("R05 Art.30(1)(i) no address", {**AD_HOC, "address": None}, ("name",), "refused",
            ("APPI-30-1-1", "provider"), kwargs={"consent_ref": "x"}),
    Receive("R06 Rules 24(1) consent-based without the consent", AD_HOC, ("name",), "refused",
            ("APPI-RULES-24-1", "consent_ref")),
    Receive("R07 Rules 24(1) opt-out receipt with the PPC publication", AD_HOC, ("name", "address"), "received",
            ("APPI-30-1", "APPI-RULES-24-1"), kind="recipient_opt_out", basis="opt_out",
            kwargs={"ppc_publication": "個人情報保護委員会 2026-05-01 公表"}),
    Receive("R08 Rules 24(1) opt-out receipt without the PPC publication", AD_HOC, ("name",), "refused",
            ("APPI-RULES-24-1", "ppc_publication"), basis="opt_out"),
    Receive("R09 Art.27(2) proviso, Art.20(1): special care offered by opt-out", AD_HOC, ("name", "medical_history"),
            "refused", ("APPI-27-2", "items"), basis="opt_out", kwargs={"ppc_publication": "公表済"}),
    Receive("R10 Rules 24(1) from a private individual", {"business": False, "corporation": False},
            ("name", "address"), "received", ("APPI-30-1",), kind="recipient_from_individual"),
    Receive("R11 Art.27(5)(iii) from a joint user: no record", "group", ("name", "address"), "received",
            ("APPI-27-5-3",)),
    Receive("R12 Art.16(2) from a public body: no record", {**AD_HOC, "name": "東京都", "public_body": True},
            ("name",), "received", ("APPI-16-2",)),
    Receive("R13 Art.27(1)(i) provided to us under a law: no record", AD_HOC, ("name",), "received",
            ("APPI-27-1-1",), basis="exception_laws", acquired_how=None),
]


@pytest.mark.parametrize("case", RECEIVE, ids=[c.case.split()[0] for c in RECEIVE])
def test_receive(h, staff, world, case: Receive):
    prov, _ = world
    sid = _subject(h)
    provider = case.provider
    if isinstance(provider, dict) and provider.get("business") is False:
        provider = {**provider, "subject_id": _subject(h)}
    call = dict(purpose_id=SCREENING, basis=case.basis, **case.kwargs)
    if case.expect == "refused":
        with pytest.raises(VaultError) as err:
            prov.receive(staff["screening"], [sid], provider, list(case.items), case.acquired_how, **call)
        assert (err.value.rule, err.value.field) == case.codes
        with h.sessions() as s:
            assert s.scalars(select(ReceiptRecord)).all() == []
        return
    result = prov.receive(staff["screening"], [sid], provider, list(case.items), case.acquired_how, **call)
    assert result.received == [sid] and result.refused == {}
    assert set(case.codes) <= set(result.reasons), result.reasons
    records = prov.receipts_for(sid)
    if case.kind is None:
        assert result.records == 0 and records == []
        return
    [rec] = records
    # Rules 24(1), field by field
    assert rec["record"] == "receipt" and rec["kind"] == case.kind and rec["subject_id"] == sid  # the person
    assert rec["items"] == list(case.items)
    assert rec["acquired_how"] == case.acquired_how  # how the provider acquired the data
    p = rec["provider"]
    if case.kind == "recipient_from_individual":  # the vault holds the individual's name and address
        assert p["kind"] == "individual" and p["subject_id"] == provider["subject_id"]
        assert p["name"] is None and p["address"] is None
    elif isinstance(case.provider, dict) and "id" in case.provider:
        assert p["id"] == "cic" and "CIC" in p["name"] and p["address"].startswith("東京都新宿区")
        assert p["representative"] == "代表取締役 某"
    else:
        assert (p["name"], p["address"], p["representative"]) == (AD_HOC["name"], AD_HOC["address"],
                                                                 AD_HOC["representative"])
    assert rec["received_on"] == TODAY.isoformat()
    if case.kind == "recipient_consent":
        assert rec["consent"] == {"ref": case.kwargs["consent_ref"]} and rec["ppc_publication"] is None
    elif case.kind == "recipient_opt_out":
        assert rec["consent"] is None and rec["ppc_publication"] == case.kwargs["ppc_publication"]
    assert rec["retain_until"] == (TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=1)).isoformat()


# --- personal-related information (Art. 31) --------------------------------------------------------------------

RETAILER = {"name": "ほごマート株式会社", "address": "東京都渋谷区渋谷1-1-1", "representative": "代表取締役 小売次郎"}
SG_RETAILER = {**RETAILER, "name": "Hogo Mart Pte. Ltd.", "country": "SG"}
COOKIES = ("cookie_id", "browsing_history")


@dataclass(frozen=True)
class Related:
    case: str
    recipient: object
    expect: str  # recorded | allowed (no record) | denied | error
    codes: tuple[str, ...]
    kwargs: dict = field(default_factory=dict)


RELATED = [
    Related("E01 Art.31(1)(i) no consent confirmation", RETAILER, "denied", ("APPI-31-1-1",)),
    Related("E01b Art.31(1)(i) consent confirmed: recorded", RETAILER, "recorded", ("APPI-31-1-1",),
            {"consent_confirmed": True}),
    Related("E02 Art.31(1)(ii) abroad, Rules 17 information not confirmed", SG_RETAILER, "denied",
            ("APPI-31-1-2", "APPI-RULES-17-2"), {"consent_confirmed": True}),
    Related("E02b Art.31(1)(ii) abroad, Rules 17 information confirmed", SG_RETAILER, "recorded",
            ("APPI-31-1-1", "APPI-31-1-2"), {"consent_confirmed": True, "rules17_confirmed": True}),
    Related("E03 Art.31(2),28(3) abroad under a standards system", {"id": "sg_cloud", "name": "SG Cloud Pte. Ltd.",
            "address": "1 Raffles Place, Singapore", "representative": "CEO"}, "recorded",
            ("APPI-31-1-1", "APPI-28-3"), {"consent_confirmed": True}),
    Related("E04 Art.31(1) recipient will not link: not triggered", RETAILER, "allowed", ("APPI-31-1",),
            {"will_link": False}),
    Related("E05 Art.31(1),27(1)(i) under a law: no confirmation, no record", RETAILER, "allowed",
            ("APPI-31-1", "APPI-27-1-1"), {"exception": "exception_laws", "justification": "裁判所の文書提出命令"}),
    Related("E06 Rules 28(1) recipient's address missing", {**RETAILER, "address": None}, "error",
            ("APPI-RULES-28-1",), {"consent_confirmed": True}),
]


@pytest.mark.parametrize("case", RELATED, ids=[c.case.split()[0] for c in RELATED])
def test_provide_related(h, staff, world, case: Related):
    prov, _ = world
    actor = staff["marketing"]
    if case.expect == "error":
        with pytest.raises(VaultError) as err:
            prov.provide_related(actor, case.recipient, list(COOKIES), **case.kwargs)
        assert err.value.rule == case.codes[0]
        return
    if case.expect == "denied":
        with pytest.raises(AccessDenied) as denied:
            prov.provide_related(actor, case.recipient, list(COOKIES), **case.kwargs)
        assert denied.value.reasons == list(case.codes)
        with h.sessions() as s:
            assert s.scalars(select(RelatedProvision)).all() == []
        return
    result = prov.provide_related(actor, case.recipient, list(COOKIES), identifiers=1200, **case.kwargs)
    assert set(case.codes) <= set(result.reasons), result.reasons
    records = prov.related_records()
    if case.expect == "allowed":
        assert result.record_id is None and records == []
        return
    [rec] = records  # Rules 28(1), field by field
    assert rec["id"] == result.record_id and rec["record"] == "related"
    assert rec["consent_confirmed"] is True and rec["confirmed_by"] == "declaration"
    foreign_route_a = case.recipient.get("country") == "SG" and "id" not in case.recipient
    assert rec["rules17_confirmed"] is foreign_route_a
    r = rec["recipient"]
    assert (r["name"], r["address"], r["representative"]) == (case.recipient["name"], case.recipient["address"],
                                                             case.recipient["representative"])
    assert rec["items"] == list(COOKIES) and rec["identifiers"] == 1200
    assert rec["provided_on"] == TODAY.isoformat() and rec["last_provided_on"] is None
    assert rec["retain_until"] == (TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=1)).isoformat()


# --- keep-until by case (Rules 21 / 25 / 29) ---------------------------------------------------------------------

RETENTION = [
    ("C16 Rules 25(i) contract substitute, last receipt 2026-05-15", "receive", "contract_substitute",
     dt.date(2026, 5, 15), dt.date(2027, 5, 14)),
    ("C17 Rules 25(ii) bulk, last receipt 2026-05-15", "receive", "bulk", dt.date(2026, 5, 15), dt.date(2029, 5, 14)),
    ("T01 Rules 25(ii) bulk from 29 Feb", "receive", "bulk", dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
    ("T02 Rules 25(i) contract substitute from 29 Feb", "receive", "contract_substitute", dt.date(2024, 2, 29),
     dt.date(2025, 2, 28)),
    ("T03 Rules 25(iii) per receipt: 3 years from the record's creation", "receive", "per_provision",
     dt.date(2024, 2, 29), TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=1)),
    ("T04 Rules 29(ii) related bulk, last day 29 Feb", "related", "bulk", dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
    ("T05 Rules 29(i) related contract substitute", "related", "contract_substitute", dt.date(2026, 5, 15),
     dt.date(2027, 5, 14)),
    ("T06 Rules 21(ii) provision, bulk record", "provide", "bulk", TODAY,
     TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=1)),
    ("T07 Rules 21(i) provision, contract substitute", "provide", "contract_substitute", TODAY,
     TODAY.replace(year=TODAY.year + 1) - dt.timedelta(days=1)),
]


@pytest.mark.parametrize("case,op,method,start,until", RETENTION, ids=[r[0].split()[0] for r in RETENTION])
def test_keep_until_by_case(h, staff, world, case, op, method, start, until):
    prov, consents = world
    sid = _subject(h)
    if op == "receive":
        prov.receive(staff["screening"], [sid], AD_HOC, ["name"], ACQ, purpose_id=SCREENING, consent_ref="同意書",
                     received_on=start, method=method)
        [rec] = prov.receipts_for(sid)
        assert rec["received_on"] == start.isoformat()
    elif op == "related":
        prov.provide_related(staff["marketing"], RETAILER, ["cookie_id"], consent_confirmed=True,
                             provided_on=start - dt.timedelta(days=30), last_provided_on=start, method=method)
        [rec] = prov.related_records()
        assert rec["last_provided_on"] == start.isoformat()  # bulk: the first and last day of the period
        assert rec["provided_on"] == (start - dt.timedelta(days=30)).isoformat()
    else:
        consents.give(sid, "application_consent", channel="written", actor_id=staff["screening"])
        prov.provide(staff["screening"], [sid], "cic", ["name"], purpose_id=SCREENING, method=method)
        [rec] = prov.records_for(sid)
    assert rec["method"] == method
    assert rec["retain_until"] == until.isoformat()
