"""The credit-bureau room on SQLite and PostgreSQL: applications, inquiries (Art. 30 receipts), registrations
(through the provision room), keep-until dates and the periodic inspection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied, ConsentView
from hogo.clock import JST
from hogo.db import unit_of_work
from hogo.law.bureau import FindingKind
from hogo.law.provision import RecordMethod, record_retained_until
from hogo.provision.bureau.models import BureauInquiry, BureauRegistration, CreditApplication
from hogo.provision.models import Provision, ProvisionRecord
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing
from hogo.vault.service import VaultError

POLICY = Path(__file__).resolve().parent / "bureau_policy.yaml"
SCREENING = "credit_screening"
MANAGEMENT = "credit_management"

TODAY = dt.date(2026, 6, 15)


class Consent:
    """Consent to the purposes and the application consent document in force (stand-in for the consent room)."""

    def __init__(self, *purposes: str, without: frozenset[str] = frozenset()):
        self.purposes = set(purposes)
        self.without = set(without)

    def has_consent(self, session, subject_id, purpose_id):
        return subject_id not in self.without and purpose_id in self.purposes

    def view(self, session, subject_id):
        if subject_id in self.without:
            return ConsentView()
        return ConsentView(valid_documents=frozenset({"application_consent"}))


@pytest.fixture
def hb(db_url):
    hogo = open_hogo(POLICY, db_url, keyring=KeyRing.generate())
    hogo.access.consent = Consent(SCREENING, MANAGEMENT)
    hogo.bureaus._today = lambda: TODAY
    yield hogo
    hogo.close()


@pytest.fixture
def actors(hb):
    return {"screening": hb.access.create_actor("screener", "screening_staff").id,
            "hr": hb.access.create_actor("hr", "hr_staff").id}


def customers(h, n: int) -> list[str]:
    with unit_of_work(h.sessions) as s:
        return [h.vault.create_subject(s, "customer").id for _ in range(n)]


def rows(h, model):
    with h.sessions() as s:
        return list(s.scalars(select(model)))


def audit_count(h) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def last_audit(h) -> AuditEntry:
    with h.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), JST)


# --- applications and inquiries ---------------------------------------------------------------------------


def test_bureau_application_answers_the_threshold_rule(hb, actors):
    a, b = customers(hb, 2)
    above = hb.bureaus.record_application(actors["screening"], a, "APP-1", 300_001, TODAY, purpose_id=SCREENING)
    at_threshold = hb.bureaus.record_application(actors["screening"], b, "APP-2", 300_000, TODAY,
                                                 purpose_id=SCREENING)
    assert above.inquiry_required and above.reasons == ("BUR-THRESHOLD", "MLA-13")
    assert not at_threshold.inquiry_required
    [r1, r2] = sorted(rows(hb, CreditApplication), key=lambda r: r.application_ref)
    assert (r1.subject_id, r1.amount_yen, r1.applied_on, r1.contracted_on, r1.actor_id) == (
        a, 300_001, TODAY, None, actors["screening"])
    entry = last_audit(hb)
    assert (entry.action, entry.allowed, entry.subject_id, entry.seq) == ("bureau.application", True, b,
                                                                         at_threshold.audit_seq)
    assert entry.detail == {"applications": 1, "inquiry_required": 0, "threshold_yen": 300_000}


def test_bureau_application_bad_input_changes_nothing(hb, actors):
    [a] = customers(hb, 1)
    before = audit_count(hb)
    cases = [
        ({"amount_yen": -1}, "BUR-AMOUNT"),
        ({"amount_yen": True}, "BUR-AMOUNT"),
        ({"application_ref": "山田太郎"}, "BUR-REF"),
        ({"applied_on": "2026-06-01"}, "BUR-DATE"),
        ({"contracted_on": TODAY - dt.timedelta(days=1)}, "BUR-DATE-ORDER"),
        ({"subject_id": "no-such-subject"}, "VAULT-SUBJECT"),
    ]
    for change, rule in cases:
        row = {"subject_id": a, "application_ref": "APP-9", "amount_yen": 500_000, "applied_on": TODAY, **change}
        with pytest.raises(VaultError) as exc:
            hb.bureaus.record_applications(actors["screening"], [row], purpose_id=SCREENING)
        assert exc.value.rule == rule
    hb.bureaus.record_application(actors["screening"], a, "APP-9", 1, TODAY, purpose_id=SCREENING)
    with pytest.raises(VaultError) as exc:  # the whole batch fails on one taken reference
        hb.bureaus.record_applications(actors["screening"], [
            {"subject_id": a, "application_ref": "APP-10", "amount_yen": 1, "applied_on": TODAY},
            {"subject_id": a, "application_ref": "APP-9", "amount_yen": 1, "applied_on": TODAY}],
            purpose_id=SCREENING)
    assert exc.value.rule == "VAULT-DUPLICATE"
    assert [r.application_ref for r in rows(hb, CreditApplication)] == ["APP-9"]
    assert audit_count(hb) == before + 1


def test_bureau_inquiry_is_logged_as_an_art30_receipt(hb, actors):
    [a] = customers(hb, 1)
    hb.bureaus.record_application(actors["screening"], a, "APP-1", 500_000, TODAY, purpose_id=SCREENING)
    when = at(TODAY)
    result = hb.bureaus.inquire(actors["screening"], "cic", a, "credit_judgment", purpose_id=SCREENING,
                                application_ref="APP-1", result_ref="CIC-R-77", at=when)
    assert result.reasons == ("MLA-13", "MLA-41-36", "APPI-30-1")
    [row] = rows(hb, BureauInquiry)
    assert row.id == result.inquiry_id
    assert (row.bureau_id, row.subject_id, row.purpose, row.purpose_id, row.application_ref) == (
        "cic", a, "credit_judgment", SCREENING, "APP-1")
    assert (row.at, row.inquired_on, row.actor_id, row.result_ref, row.source) == (
        when, TODAY, actors["screening"], "CIC-R-77", "hogo")
    # Art. 30(1): the provider's name and address, and how it acquired the data, from the program
    assert row.provider_name == "株式会社シー・アイ・シー(CIC)"
    assert row.provider_address == "東京都新宿区西新宿1-23-7 新宿ファーストウエスト15階"
    assert "加盟会員から登録を受けた信用情報" in row.acquisition
    assert row.reasons == ["MLA-13", "MLA-41-36", "APPI-30-1"]
    assert row.retain_until == record_retained_until(RecordMethod.PER_PROVISION, TODAY) == dt.date(2029, 6, 14)
    entry = last_audit(hb)
    assert (entry.action, entry.allowed, entry.subject_id, entry.purpose_id, entry.seq) == (
        "bureau.inquire", True, a, SCREENING, result.audit_seq)
    assert entry.detail["inquiry_id"] == row.id and entry.detail["bureau_id"] == "cic"
    assert hb.audit_verify().ok


@pytest.mark.parametrize(("purpose", "setup", "codes"), [
    ("marketing", None, ["FIN-GL-2-2", "APPI-18-1"]),
    ("employment", None, ["FIN-GL-2-2", "APPI-18-1"]),
    ("credit_judgment", "no_consent", ["MLA-41-36"]),
    ("credit_management", None, ["BUR-MANAGEMENT-SCOPE", "FIN-GL-2-2"]),  # nothing registered with CIC yet
    ("credit_judgment", "hr_actor", ["ACC-ROLE-PURPOSE"]),
])
def test_bureau_refused_inquiry_writes_no_row_but_audits_the_refusal(hb, actors, purpose, setup, codes):
    [a] = customers(hb, 1)
    actor = actors["hr"] if setup == "hr_actor" else actors["screening"]
    if setup == "no_consent":
        hb.access.consent = Consent(SCREENING, MANAGEMENT, without=frozenset({a}))
    before = audit_count(hb)
    with pytest.raises(AccessDenied) as exc:
        hb.bureaus.inquire(actor, "cic", a, purpose, purpose_id=SCREENING, application_ref="APP-1")
    assert list(exc.value.reasons) == codes
    assert rows(hb, BureauInquiry) == []
    assert audit_count(hb) == before + 1
    entry = last_audit(hb)
    assert (entry.action, entry.allowed, entry.subject_id, entry.seq) == ("bureau.inquire", False, a,
                                                                         exc.value.audit_seq)
    assert entry.reasons == codes and entry.detail["purpose"] == purpose


def test_bureau_inquiry_bad_input_is_refused_before_the_audit_chain(hb, actors):
    [a] = customers(hb, 1)
    before = audit_count(hb)
    for kwargs, rule in [
        ({"bureau_id": "nowhere"}, "BUR-BUREAU"),
        ({"application_ref": None}, "BUR-APPLICATION"),  # a judgment names its application
        ({"purpose": "与信判断"}, "BUR-PURPOSE"),
        ({"at": dt.datetime(2026, 6, 1, 10)}, "BUR-DATE"),
        ({"subject_id": "missing"}, "VAULT-SUBJECT"),
    ]:
        args = {"bureau_id": "cic", "subject_id": a, "purpose": "credit_judgment", "application_ref": "APP-1",
                **kwargs}
        with pytest.raises(VaultError) as exc:
            hb.bureaus.inquire(actors["screening"], args.pop("bureau_id"), args.pop("subject_id"),
                               args.pop("purpose"), purpose_id=SCREENING, **args)
        assert exc.value.rule == rule
    assert audit_count(hb) == before and rows(hb, BureauInquiry) == []


# --- registrations -------------------------------------------------------------------------------------------


def test_bureau_registration_records_keep_until_dates_and_art29_records(hb, actors):
    subjects = customers(hb, 3)
    events = [{"contract_start": dt.date(2026, 6, 1)},  # contract runs: no end yet
              {"contract_start": dt.date(2021, 2, 28), "contract_end": dt.date(2026, 2, 28)},
              {"contract_start": dt.date(2023, 8, 31), "contract_end": dt.date(2028, 2, 29)}]
    result = hb.bureaus.register(actors["screening"], "cic", 1, subjects, purpose_id=SCREENING, events=events,
                                 application_refs=["APP-1", None, "APP-3"])
    assert result.registered == 3 and result.refused == {}
    assert result.keep_until == {None: 1, "2031-02-28": 1, "2033-02-28": 1}
    regs = {r.subject_id: r for r in rows(hb, BureauRegistration)}
    assert regs[subjects[0]].registered_until is None
    assert regs[subjects[1]].registered_until == dt.date(2031, 2, 28)
    assert regs[subjects[2]].registered_until == dt.date(2033, 2, 28)  # no 29 Feb in 2033: month's last day
    for sid, ref in zip(subjects, ["APP-1", None, "APP-3"], strict=True):
        r = regs[sid]
        assert (r.bureau_id, r.info_type_index, r.registered_on, r.status, r.application_ref) == (
            "cic", 1, TODAY, "registered", ref)
        assert r.provision_id == result.provision_id and r.actor_id == actors["screening"]
        assert r.events["registration"] == TODAY.isoformat()
    assert regs[subjects[1]].events["contract_end"] == "2026-02-28"
    # the provision room decided and recorded each person (Art. 29, bulk method for continuous provision)
    [prov] = rows(hb, Provision)
    assert (prov.id, prov.recipient_id, prov.recipient_kind, prov.subject_count) == (
        result.provision_id, "cic", "credit_bureau", 3)
    records = rows(hb, ProvisionRecord)
    assert {r.subject_id for r in records} == set(subjects)
    assert all(r.method == "bulk" and r.items == ["name", "address", "payment_history"] for r in records)
    entry = last_audit(hb)
    assert (entry.action, entry.allowed, entry.seq) == ("bureau.register", True, result.audit_seq)
    assert entry.detail["registered"] == 3 and entry.detail["provision_id"] == result.provision_id
    assert entry.reasons[:2] == ["BUR-REGISTRATION", "ISA-35-3-56"]

    # the running contract ends: its keep-until is recomputed (5 years after the end)
    assert hb.bureaus.record_event(actors["screening"], "cic", 1, [subjects[0]], "contract_end",
                                   dt.date(2030, 8, 31)) == 1
    with hb.sessions() as s:
        r0 = s.get(BureauRegistration, regs[subjects[0]].id)
    assert r0.registered_until == dt.date(2035, 8, 31) and r0.events["contract_end"] == "2030-08-31"
    assert hb.audit_verify().ok


def test_bureau_application_info_counts_from_the_inquiry(hb, actors):
    [a, b] = customers(hb, 2)
    result = hb.bureaus.register(actors["screening"], "jicc", "申込み情報", [a, b], purpose_id=SCREENING,
                                 events={"inquiry": dt.date(2026, 2, 28)})
    assert result.keep_until == {"2026-08-31": 2}  # 6 months, the first day not counted (Civil Code 140, 143)


def test_bureau_registration_refusals_and_bad_input(hb, actors):
    a, b = customers(hb, 2)
    hb.provision.stop_provision(actors["screening"], b, "cic")  # Art. 35(3) request
    result = hb.bureaus.register(actors["screening"], "cic", 1, [a, b], purpose_id=SCREENING,
                                 events={"contract_end": dt.date(2026, 3, 31)})
    assert result.registered == 1 and result.refused == {b: ["APPI-35-3"]}
    assert [r.subject_id for r in rows(hb, BureauRegistration)] == [a]

    before = (audit_count(hb), len(rows(hb, Provision)), len(rows(hb, BureauRegistration)))
    for kwargs, rule in [
        ({"bureau_id": "ksc"}, "BUR-NO-REGISTRATION"),  # partner bureau: inquired through, not registered with
        ({"info_type": 7}, "BUR-INFO-TYPE"),
        ({"info_type": 0, "events": {}}, "BUR-EVENTS"),  # application info needs the inquiry date
        ({"events": {"contract_end": "2026-03-31"}}, "BUR-DATE"),
        ({"events": {"moon_phase": dt.date(2026, 1, 1)}}, "BUR-EVENTS"),
        ({"events": [{}, {}, {}]}, "BUR-EVENTS"),
        ({"subject_ids": [a, a]}, "BUR-DUPLICATE"),
    ]:
        args = {"bureau_id": "cic", "info_type": 1, "subject_ids": [a], "events": {}, **kwargs}
        with pytest.raises(VaultError) as exc:
            hb.bureaus.register(actors["screening"], args["bureau_id"], args["info_type"], args["subject_ids"],
                                purpose_id=SCREENING, events=args["events"])
        assert exc.value.rule == rule
    assert (audit_count(hb), len(rows(hb, Provision)), len(rows(hb, BureauRegistration))) == before

    with pytest.raises(AccessDenied) as exc:  # the role check is the provision room's; nothing registered
        hb.bureaus.register(actors["hr"], "cic", 1, [a], purpose_id=SCREENING)
    assert exc.value.reasons == ["ACC-ROLE-PURPOSE"]
    assert len(rows(hb, BureauRegistration)) == 1


# --- inspection ----------------------------------------------------------------------------------------------


def test_bureau_inspection_finds_each_planted_problem_and_nothing_else(hb, actors):
    s_ok, s_at, s_missing, s_full, s_half, s_log, s_old, s_edge = customers(hb, 8)
    scr = actors["screening"]
    june = dt.date(2026, 6, 1)
    apps = [
        (s_ok, "OK", 400_000, june, None),  # inquired properly
        (s_at, "AT", 300_000, june, None),  # exactly at the threshold: no inquiry needed
        (s_missing, "MISSING", 300_001, dt.date(2026, 6, 2), None),  # planted: never inquired
        (s_full, "FULL", 1_000_000, june, dt.date(2026, 6, 5)),  # contracted, registered with both bureaus
        (s_half, "HALF", 500_000, june, dt.date(2026, 6, 6)),  # planted: registered with CIC only
        (s_ok, "MAY", 900_000, dt.date(2026, 5, 31), None),  # outside the period: not judged
    ]
    hb.bureaus.record_applications(scr, [
        {"subject_id": sid, "application_ref": ref, "amount_yen": yen, "applied_on": on, "contracted_on": c}
        for sid, ref, yen, on, c in apps], purpose_id=SCREENING)
    for sid, ref in [(s_ok, "OK"), (s_full, "FULL"), (s_half, "HALF")]:
        hb.bureaus.inquire(scr, "cic", sid, "credit_judgment", purpose_id=SCREENING, application_ref=ref,
                           at=at(june))
    for bureau in ("cic", "jicc"):
        hb.bureaus.register(scr, bureau, 1, [s_full], purpose_id=SCREENING, application_refs=["FULL"],
                            events={"contract_start": dt.date(2026, 6, 5)})
    hb.bureaus.register(scr, "cic", 1, [s_half], purpose_id=SCREENING, application_refs=["HALF"],
                        events={"contract_start": dt.date(2026, 6, 6)})
    # the bureau's log of our inquiries: one made outside hogo for marketing (planted), one proper, one old
    hb.bureaus.import_inquiry_log(scr, "jicc", [
        {"subject_id": s_log, "at": at(dt.date(2026, 6, 10)), "purpose": "marketing", "result_ref": "J-1"},
        {"subject_id": s_full, "at": at(dt.date(2026, 6, 11)), "purpose": "credit_management"},
        {"subject_id": s_log, "at": at(dt.date(2026, 4, 10)), "purpose": "marketing"},
    ])
    # application info: last day 2026-06-29 (planted: overdue on 06-30), and one ending exactly on 06-30
    hb.bureaus.register(scr, "cic", 0, [s_old], purpose_id=SCREENING, events={"inquiry": dt.date(2025, 12, 29)})
    hb.bureaus.register(scr, "cic", 0, [s_edge], purpose_id=SCREENING, events={"inquiry": dt.date(2025, 12, 30)})
    old_reg = next(r for r in rows(hb, BureauRegistration) if r.subject_id == s_old)
    assert old_reg.registered_until == dt.date(2026, 6, 29)

    report = hb.bureaus.inspection_report(june, dt.date(2026, 6, 30), actor_id=scr)
    found = {(f.kind, f.bureau_id, f.subject_id, f.ref, f.on) for f in report.findings}
    assert found == {
        (FindingKind.IMPROPER_INQUIRY, "jicc", s_log, next(
            r.id for r in rows(hb, BureauInquiry) if r.subject_id == s_log and r.inquired_on.month == 6),
         dt.date(2026, 6, 10)),
        (FindingKind.MISSING_INQUIRY, None, s_missing, "MISSING", dt.date(2026, 6, 2)),
        (FindingKind.MISSING_REGISTRATION, "jicc", s_half, "HALF", dt.date(2026, 6, 6)),
        (FindingKind.OVERDUE_REGISTRATION, "cic", s_old, old_reg.id, dt.date(2026, 6, 29)),
    }
    reasons = {f.kind: f.reasons for f in report.findings}
    assert reasons[FindingKind.IMPROPER_INQUIRY] == ("FIN-GL-2-2", "APPI-18-1")
    assert reasons[FindingKind.MISSING_INQUIRY] == ("BUR-THRESHOLD", "MLA-13")
    assert reasons[FindingKind.MISSING_REGISTRATION] == ("BUR-REGISTRATION", "ISA-35-3-56")
    assert reasons[FindingKind.OVERDUE_REGISTRATION] == ("BUR-PERIOD", "APPI-22")
    sm = report.summary
    assert (sm["applications"], sm["applications_requiring_inquiry"], sm["contracts"]) == (5, 4, 2)
    assert (sm["inquiries"], sm["inquiries.cic.credit_judgment"], sm["inquiries.jicc.marketing"]) == (5, 3, 1)
    assert sm["registrations"] == 5 and sm["findings"] == 4
    assert all(sm[f"findings.{k}"] == 1 for k in FindingKind)
    entry = last_audit(hb)
    assert (entry.action, entry.seq, entry.detail["findings"]) == ("bureau.inspection", report.audit_seq, 4)
    assert report.rows()[0].keys() == {"kind", "bureau_id", "subject_id", "ref", "on", "reasons"}

    # removing expired registrations clears the overdue finding, and only it
    assert hb.bureaus.remove_expired(scr, dt.date(2026, 6, 30)) == 1
    again = hb.bureaus.inspection_report(june, dt.date(2026, 6, 30))
    assert {f.kind for f in again.findings} == {FindingKind.IMPROPER_INQUIRY, FindingKind.MISSING_INQUIRY,
                                                FindingKind.MISSING_REGISTRATION}
    assert hb.audit_verify().ok


def test_bureau_inspection_period_must_be_ordered(hb):
    with pytest.raises(VaultError) as exc:
        hb.bureaus.inspection_report(dt.date(2026, 6, 30), dt.date(2026, 6, 1))
    assert exc.value.rule == "BUR-DATE-ORDER"


# --- the car-lease program (seed 001): CIC and JICC, partner KSC, no threshold --------------------------------

CAR_LEASE = Path(__file__).resolve().parents[2] / "examples" / "policies" / "car_lease.yaml"


class LeaseConsent(Consent):
    def view(self, session, subject_id):
        return ConsentView(valid_documents=frozenset({"lease_application"}))


def test_bureau_car_lease_program_every_application_inquired_ksc_only_inquired(db_url):
    h = open_hogo(CAR_LEASE, db_url, keyring=KeyRing.generate())
    try:
        h.access.consent = LeaseConsent("credit_judgement")
        actor = h.access.create_actor("lease", "lease_screening").id
        lessee, guarantor = customers(h, 2)
        assert h.bureaus.threshold_yen() is None
        small = h.bureaus.record_application(actor, lessee, "L-1", 10_000, dt.date(2026, 6, 3),
                                             purpose_id="credit_judgement")
        assert small.inquiry_required  # the lease program inquires on every application
        # inquiry through the partner KSC is a receipt from KSC, with KSC's own name and address
        r = h.bureaus.inquire(actor, "ksc", guarantor, "credit_judgment", purpose_id="credit_judgement",
                              application_ref="L-1", at=at(dt.date(2026, 6, 3)))
        [row] = rows(h, BureauInquiry)
        assert (row.id, row.provider_name, row.provider_address) == (
            r.inquiry_id, "全国銀行個人信用情報センター", "〒100-8216 東京都千代田区丸の内1-3-1(銀行会館)")
        with pytest.raises(VaultError) as exc:
            h.bureaus.register(actor, "ksc", 0, [lessee], purpose_id="credit_judgement",
                               events={"inquiry": dt.date(2026, 6, 3)})
        assert exc.value.rule == "BUR-NO-REGISTRATION"
        h.bureaus._today = lambda: dt.date(2026, 6, 3)
        reg = h.bureaus.register(actor, "cic", "本契約に係る申込みをした事実", [lessee], purpose_id="credit_judgement",
                                 events={"inquiry": dt.date(2026, 6, 3)})
        assert reg.keep_until == {"2026-12-03": 1}  # NCSが照会した日から6ケ月間
        report = h.bureaus.inspection_report(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
        assert report.findings == []  # L-1 was inquired (at KSC, through the partnership)
    finally:
        h.close()


def test_bureau_contract_and_inquiry_log_bad_input(hb, actors):
    [a] = customers(hb, 1)
    scr = actors["screening"]
    hb.bureaus.record_application(scr, a, "APP-1", 400_000, TODAY, purpose_id=SCREENING)
    with pytest.raises(VaultError) as exc:
        hb.bureaus.record_contract(scr, "APP-1", TODAY - dt.timedelta(days=1), purpose_id=SCREENING)
    assert exc.value.rule == "BUR-DATE-ORDER"
    with pytest.raises(VaultError) as exc:
        hb.bureaus.record_contract(scr, "APP-404", TODAY, purpose_id=SCREENING)
    assert exc.value.rule == "BUR-APPLICATION"
    with pytest.raises(AccessDenied):
        hb.bureaus.record_contract(actors["hr"], "APP-1", TODAY, purpose_id=SCREENING)
    hb.bureaus.record_contract(scr, "APP-1", TODAY, purpose_id=SCREENING)
    [app] = rows(hb, CreditApplication)
    assert app.contracted_on == TODAY
    assert last_audit(hb).action == "bureau.contract"
    for row, rule in [({"subject_id": a, "at": dt.datetime(2026, 6, 1)}, "BUR-DATE"),
                      ({"subject_id": a, "at": at(TODAY), "purpose": "山田"}, "BUR-PURPOSE"),
                      ({"subject_id": "ghost", "at": at(TODAY)}, "VAULT-SUBJECT")]:
        with pytest.raises(VaultError) as exc:
            hb.bureaus.import_inquiry_log(scr, "cic", [row])
        assert exc.value.rule == rule
    assert rows(hb, BureauInquiry) == []
