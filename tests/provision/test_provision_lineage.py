"""The received data's lineage and the Art. 27(2) proviso, on both databases.

Data that came in by an opt-out receipt, or from a receipt later found improperly acquired (Art. 20(1)), is
never provided onward by opt-out: per person in a batch (the others go), after the Rules 25 disposal of the
receipt records, and from receipts made before the lineage table existed (migration 0010 backfills it).
The policy fields that make the cross-border cases D05/D07 reachable are validated with the field named.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select, update

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.db import downgrade, migrate, unit_of_work
from hogo.policy.models import CrossBorder, Recipient
from hogo.provision.models import Provision, ProvisionRecord, Receipt, ReceiptRecord, ReceivedSubject
from hogo.provision.service import Provisions
from hogo.vault.models import Subject
from hogo.vault.service import VaultError

SCREENING = "credit_screening"
PROVIDER = {"name": "株式会社名簿販売", "address": "大阪府大阪市北区梅田1-1-1", "representative": "代表取締役 名簿一郎"}
ACQ = "オプトアウトにより取得"
BY_OPT_OUT = {"basis": "opt_out", "ppc_publication": "個人情報保護委員会 2026-05-01 公表"}
OPT_OUT = {"ppc_filed_on": "2026-04-01", "acquisition_method": "申込書", "provision_method": "電子データ",
           "request_method": "電話"}


@pytest.fixture
def prov(h):
    broker = Recipient.model_validate({"id": "list_broker", "name": "名簿株式会社", "basis": "opt_out",
                                       "items": ["name", "address", "payment_history"], "opt_out": OPT_OUT})
    return Provisions(h.policy.model_copy(update={"recipients": [broker]}), h.access)


def customers(h, n: int) -> list[str]:
    with unit_of_work(h.sessions) as s:
        return [h.vault.create_subject(s, "customer").id for _ in range(n)]


def rows(h, model) -> list:
    with h.sessions() as s:
        return list(s.scalars(select(model)).all())


def test_a_batch_refuses_only_the_persons_received_by_opt_out(h, staff, prov):
    bought, own, improper = customers(h, 3)
    prov.receive(staff["screening"], [bought], PROVIDER, ["name"], ACQ, purpose_id=SCREENING, **BY_OPT_OUT)
    r = prov.receive(staff["screening"], [improper], PROVIDER, ["address"], ACQ, purpose_id=SCREENING,
                     consent_ref="提供元同意書")
    prov.find_improper_acquisition(staff["screening"], r.receipt_id, "提供元が詐欺的な手段で取得していたと判明")
    result = prov.provide(staff["screening"], [bought, own, improper], "list_broker", ["name", "address"],
                          purpose_id=SCREENING)
    assert result.provided == [own]
    assert result.refused == {bought: ["APPI-27-2"], improper: ["APPI-27-2", "APPI-20-1"]}
    assert [(rec.subject_id, rec.basis) for rec in rows(h, ProvisionRecord)] == [(own, "opt_out")]
    [batch] = rows(h, Provision)
    assert batch.subject_count == 1
    with h.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert entry.action == "provision" and entry.detail["provided"] == 1 and entry.detail["refused"] == 2


def test_the_lineage_outlives_the_rules_25_disposal_of_the_receipt_records(h, staff, prov):
    [sid] = customers(h, 1)
    prov.receive(staff["screening"], [sid], PROVIDER, ["name"], ACQ, purpose_id=SCREENING, **BY_OPT_OUT)
    with unit_of_work(h.sessions) as s:
        s.execute(update(ReceiptRecord).values(retain_until=dt.date(2020, 1, 1)))
    assert prov.dispose_expired_records(clock.today(), staff["screening"]) == 1
    assert rows(h, ReceiptRecord) == [] and len(rows(h, ReceivedSubject)) == 1
    result = prov.provide(staff["screening"], [sid], "list_broker", ["name"], purpose_id=SCREENING)
    assert result.refused == {sid: ["APPI-27-2"]} and rows(h, ProvisionRecord) == []


def test_every_received_person_is_in_the_lineage_recorded_or_not(h, staff, prov):
    sids = customers(h, 3)
    prov.receive(staff["screening"], sids, PROVIDER, ["name"], None, purpose_id=SCREENING,
                 basis="exception_laws")  # provided to us under a law: no record (Art. 30(1) proviso)
    assert rows(h, ReceiptRecord) == []
    assert sorted(r.subject_id for r in rows(h, ReceivedSubject)) == sorted(sids)


def test_an_improper_acquisition_is_recorded_once_with_its_audit_entry(h, staff, prov):
    [sid] = customers(h, 1)
    r = prov.receive(staff["screening"], [sid], PROVIDER, ["name", "address"], ACQ, purpose_id=SCREENING,
                     consent_ref="提供元同意書")
    actor = staff["screening"]
    bad = [
        (dict(receipt_id=r.receipt_id, finding="  "), ("finding", "APPI-20-1")),
        (dict(receipt_id="no-such-receipt", finding="判明"), ("receipt_id", "PRV-RECEIPT")),
        (dict(receipt_id=r.receipt_id, finding="判明", found_on=clock.today() + dt.timedelta(days=1)),
         ("found_on", "PRV-DATE")),
        (dict(receipt_id=r.receipt_id, finding="判明", found_on=clock.today() - dt.timedelta(days=1)),
         ("found_on", "PRV-DATE")),  # before the receipt
    ]
    for kwargs, (field, rule) in bad:
        with pytest.raises(VaultError) as err:
            prov.find_improper_acquisition(actor, **kwargs)
        assert (err.value.field, err.value.rule) == (field, rule), kwargs
    assert [rc.improper_found_on for rc in rows(h, Receipt)] == [None]
    with pytest.raises(VaultError) as err:
        prov.find_improper_acquisition("no-such-actor", r.receipt_id, "判明")
    assert err.value.rule == "ACC-ACTOR"

    prov.find_improper_acquisition(actor, r.receipt_id, "提供元が詐欺的な手段で取得していたと判明")
    [rc] = rows(h, Receipt)
    assert rc.improper_found_on == clock.today() and rc.improper_finding.startswith("提供元")
    with h.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.action, entry.reasons, entry.items) == ("provision.improper", ["APPI-20-1", "APPI-27-2"],
                                                          ["name", "address"])
    assert entry.detail == {"receipt_id": r.receipt_id, "found_on": clock.today().isoformat(), "subjects": 1}
    assert prov.receipts_for(sid)[0]["improper_found_on"] == clock.today().isoformat()
    with pytest.raises(VaultError) as err:
        prov.find_improper_acquisition(actor, r.receipt_id, "再度")
    assert (err.value.field, err.value.rule) == ("receipt_id", "PRV-RECEIPT")
    assert h.audit_verify().ok


def test_migration_0010_backfills_the_lineage_from_the_receipt_records(engine):
    downgrade(engine, "0009")
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with engine.begin() as c:
        c.execute(insert(Subject.__table__).values(id="s1", subject_type="customer", created_at=now))
        c.execute(insert(Receipt.__table__).values(
            id="r1", provider_kind="ad_hoc", basis="opt_out", purpose_id=SCREENING, actor_id="a", at=now,
            received_on=now.date(), subject_count=1, items=["name"], reasons=[]))
        c.execute(insert(ReceiptRecord.__table__).values(
            id="rr1", receipt_id="r1", subject_id="s1", kind="recipient_opt_out", items=["name"], method="bulk",
            retain_until=dt.date(2029, 4, 30), created_at=now))
    migrate(engine)
    with engine.connect() as c:
        assert c.execute(select(ReceivedSubject.receipt_id, ReceivedSubject.subject_id)).all() == [("r1", "s1")]
        assert c.scalar(select(func.count()).select_from(Receipt).where(Receipt.improper_found_on.is_(None))) == 1


def _transfer(**extra) -> dict:
    return {"id": "t", "recipient": "海外委託先", "parties": ["vendor"], **extra}


@pytest.mark.parametrize("spec,field", [
    (_transfer(basis="consent", countries=["US"], reference_info="given"), "reference_info"),
    (_transfer(basis="consent", countries=[], reference_info="maybe"), "reference_info"),
    (_transfer(basis="consent", last_check={"checked_on": "2026-10-01", "measures_ensured": True}), "last_check"),
    (_transfer(basis="equivalent_system", last_check={"checked_on": "2026-10-01"}), "measures_ensured"),
    (_transfer(basis="equivalent_system", last_check={"checked_on": "soon", "measures_ensured": False}),
     "checked_on"),
], ids=["reference-with-countries", "reference-unknown", "check-without-system", "check-without-result",
        "check-date"])
def test_cross_border_fields_are_validated_naming_the_field(spec, field):
    with pytest.raises(ValidationError) as err:
        CrossBorder.model_validate(spec)
    assert field in str(err.value)


def test_cross_border_fields_load():
    unknown = CrossBorder.model_validate(_transfer(basis="consent", reference_info="none_available"))
    assert unknown.reference_info == "none_available" and unknown.countries == []
    checked = CrossBorder.model_validate(_transfer(basis="equivalent_system", countries=["VN"], last_check={
        "checked_on": "2026-10-01", "measures_ensured": False}))
    assert checked.last_check.measures_ensured is False and checked.last_check.checked_on == dt.date(2026, 10, 1)
