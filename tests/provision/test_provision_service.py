"""The provision room on both databases: bases, refusals, the Art. 29 records, stop-provision, batches."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from _support import ConsentFor
from sqlalchemy import func, select

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied, ConsentView
from hogo.db import unit_of_work
from hogo.law.provision import RecordKind, RecordMethod, record_complete, record_retained_until
from hogo.policy.models import Item, Recipient
from hogo.provision.models import Provision, ProvisionRecord, ProvisionStop
from hogo.provision.service import Provisions
from hogo.vault.service import VaultError

SCREENING = "credit_screening"
CIC_ITEMS = ["name", "address", "payment_history"]


class ConsentWithDocuments(ConsentFor):
    """Consent for the purposes and the documents in force (stand-in for the consent room)."""

    def __init__(self, *purposes: str, documents: frozenset[str] = frozenset({"application_consent"}),
                 without: frozenset[str] = frozenset()):
        super().__init__(*purposes)
        self.documents = documents
        self.without = set(without)  # subjects with no consent in force

    def view(self, session, subject_id):
        if subject_id in self.without:
            return ConsentView()
        return ConsentView(valid_documents=self.documents)


def customers(h, n: int) -> list[str]:
    with unit_of_work(h.sessions) as s:
        return [h.vault.create_subject(s, "customer").id for _ in range(n)]


def rows(h, model):
    with h.sessions() as s:
        return list(s.scalars(select(model)))


def last_audit(h) -> AuditEntry:
    with h.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


@pytest.fixture
def consented(h):
    h.access.consent = ConsentWithDocuments(SCREENING)
    return h.access.consent


def test_consent_based_provision_to_the_credit_bureau_writes_rules_20_records(h, staff, consented):
    sids = customers(h, 3)
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert result.provided == sids and result.refused == {} and result.records == 3
    assert "APPI-27-1" in result.reasons
    [prov] = rows(h, Provision)
    assert (prov.recipient_id, prov.recipient_kind, prov.basis, prov.subject_count) == ("cic", "credit_bureau",
                                                                                         "consent", 3)
    assert prov.items == CIC_ITEMS and prov.cross_border is False
    records = rows(h, ProvisionRecord)
    assert {r.subject_id for r in records} == set(sids)
    today = clock.today()
    for r in records:
        assert r.provision_id == result.provision_id and r.recipient_id == "cic"
        assert r.items == CIC_ITEMS and r.basis == "consent"
        assert (r.consent_document_id, r.consent_version) == ("application_consent", "1.0")
        assert r.method == "per_provision"
        assert r.retain_until == record_retained_until(RecordMethod.PER_PROVISION, today)
        assert r.retain_until == dt.date(today.year + 3, today.month, today.day) - dt.timedelta(days=1) \
            or (today.month, today.day) == (2, 29)
    # Rules 20(1): a consent-based record is complete with the consent statement and without a date
    assert record_complete(RecordKind.PROVIDER_CONSENT, ["consent", "recipient", "person", "items"]).allowed
    entry = last_audit(h)
    assert entry.action == "provision" and entry.allowed and entry.seq == result.audit_seq
    assert entry.detail["provided"] == 3 and entry.detail["refused"] == 0 and entry.detail["records"] == 3
    assert entry.subject_id is None and entry.items == CIC_ITEMS
    assert h.audit_verify().ok


def test_without_consent_in_force_the_person_is_refused(h, staff):
    sids = customers(h, 2)
    h.access.consent = ConsentWithDocuments(SCREENING, without=frozenset({sids[1]}))
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert result.provided == [sids[0]]
    assert result.refused == {sids[1]: ["APPI-27-1"]}
    assert [r.subject_id for r in rows(h, ProvisionRecord)] == [sids[0]]
    assert last_audit(h).detail["refused"] == 1


def test_nobody_consented_nothing_provided(h, staff):
    sids = customers(h, 2)  # the h fixture's consent source has no documents in force
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert result.provision_id is None and result.provided == [] and set(result.refused) == set(sids)
    assert rows(h, Provision) == [] and rows(h, ProvisionRecord) == []
    entry = last_audit(h)
    assert entry.allowed is False and entry.reasons == ["APPI-27-1"]


def test_items_outside_what_the_consent_covers_are_refused(h, staff, consented):
    [sid] = customers(h, 1)
    result = h.provision.provide(staff["screening"], [sid], "cic", ["name", "income"], purpose_id=SCREENING)
    assert result.provided == [] and result.refused == {sid: ["APPI-27-1"]}


def _opt_out_program(h):
    recipient = Recipient.model_validate({
        "id": "list_broker", "name": {"ja": "名簿業者", "en": "List broker"}, "basis": "opt_out",
        "items": ["name", "address", "medical_history"],
        "opt_out": {"ppc_filed_on": "2026-04-01", "acquisition_method": "申込書", "provision_method": "電子データ",
                    "request_method": "電話"}})
    medical = Item.model_validate({"id": "medical_history", "name": {"ja": "病歴", "en": "Medical history"},
                                   "category": "special_care", "subject_types": ["customer"]})
    p = h.policy
    purposes = [pp.model_copy(update={"items": [*pp.items, "medical_history"]}) if pp.id == SCREENING else pp
                for pp in p.purposes]
    roles = [r.model_copy(update={"categories": [*r.categories, "special_care"]}) if r.id == "screening_staff"
             else r for r in p.roles]
    return p.model_copy(update={"recipients": [recipient], "items": [*p.items, medical], "purposes": purposes,
                                "roles": roles})


def test_opt_out_provision_records_the_date_and_refuses_special_care(h, staff):
    provisions = Provisions(_opt_out_program(h), h.access)
    sids = customers(h, 2)
    ok = provisions.provide(staff["screening"], sids, "list_broker", ["name", "address"], purpose_id=SCREENING)
    assert ok.provided == sids and ok.records == 2 and "APPI-27-2" in ok.reasons
    today = clock.today()
    for r in rows(h, ProvisionRecord):
        assert r.basis == "opt_out" and r.provided_on == today  # Rules 20(1)(i): the date of provision
        assert r.consent_document_id is None
    assert not record_complete(RecordKind.PROVIDER_OPT_OUT, ["recipient", "person", "items"]).allowed
    bad = provisions.provide(staff["screening"], sids, "list_broker", ["name", "medical_history"],
                             purpose_id=SCREENING)
    assert bad.provided == [] and bad.refused == {sid: ["APPI-27-2"] for sid in sids}
    assert len(rows(h, ProvisionRecord)) == 2
    with pytest.raises(VaultError) as err:  # Rules 19(2) proviso: no bulk records for opt-out provision
        provisions.provide(staff["screening"], sids, "list_broker", ["name"], purpose_id=SCREENING, method="bulk")
    assert err.value.rule == "APPI-RULES-19-2"


def test_stop_provision_blocks_that_recipient_only(h, staff, consented):
    provisions = Provisions(_opt_out_program(h), h.access)
    sids = customers(h, 2)
    provisions.stop_provision(staff["screening"], sids[0], "cic")
    provisions.stop_provision(staff["screening"], sids[0], "cic")  # idempotent
    assert len(rows(h, ProvisionStop)) == 1
    to_cic = provisions.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert to_cic.provided == [sids[1]] and to_cic.refused == {sids[0]: ["APPI-35-3"]}
    elsewhere = provisions.provide(staff["screening"], sids, "list_broker", ["name"], purpose_id=SCREENING)
    assert elsewhere.provided == sids
    provisions.stop_provision(staff["screening"], sids[1])  # to anyone
    again = provisions.provide(staff["screening"], sids, "list_broker", ["name"], purpose_id=SCREENING)
    assert again.refused == {sids[1]: ["APPI-35-3"]} and again.provided == [sids[0]]
    assert last_audit(h).action == "provision"
    assert h.audit_verify().ok


def test_statutory_exception_provides_without_a_record(h, staff):
    sids = customers(h, 2)  # no consent at all
    with pytest.raises(VaultError) as err:
        h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING, basis="exception_laws")
    assert err.value.rule == "PRV-JUSTIFICATION"
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING,
                                 basis="exception_laws", justification="捜査関係事項照会(刑事訴訟法197条2項)")
    assert result.provided == sids and result.records == 0 and result.reasons == ("APPI-27-1-1",)
    [prov] = rows(h, Provision)
    assert prov.basis == "exception_laws" and prov.justification.startswith("捜査関係事項照会")
    assert rows(h, ProvisionRecord) == []


def test_role_not_allowed_is_denied_audited_and_writes_nothing(h, staff, consented):
    sids = customers(h, 2)
    before = last_audit(h).seq
    with pytest.raises(AccessDenied) as err:
        h.provision.provide(staff["marketing"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert "ACC-ROLE-PURPOSE" in err.value.reasons
    entry = last_audit(h)
    assert entry.seq == before + 1 == err.value.audit_seq and entry.allowed is False
    assert rows(h, Provision) == [] and rows(h, ProvisionRecord) == []
    assert h.audit_verify().ok


def test_bad_input_leaves_no_trace(h, staff, consented):
    sids = customers(h, 1)
    before = last_audit(h).seq
    for kwargs, rule in [({"recipient_id": "nobody"}, "PRV-RECIPIENT"),
                         ({"recipient_id": "cic", "basis": "friendship"}, "PRV-BASIS"),
                         ({"recipient_id": "cic", "items": ["shoe_size"]}, "VAULT-ITEM")]:
        args = {"items": CIC_ITEMS, **kwargs}
        with pytest.raises(VaultError) as err:
            h.provision.provide(staff["screening"], sids, args["recipient_id"], args["items"], purpose_id=SCREENING,
                                basis=args.get("basis"))
        assert err.value.rule == rule
    assert last_audit(h).seq == before


def test_shredded_and_unknown_subjects_are_refused(h, staff, consented):
    sids = customers(h, 2)
    h.access.shred(staff["screening"], sids[0])
    result = h.provision.provide(staff["screening"], [*sids, "no-such-subject"], "cic", CIC_ITEMS,
                                 purpose_id=SCREENING)
    assert result.provided == [sids[1]]
    assert result.refused == {sids[0]: ["ACC-SHREDDED"], "no-such-subject": ["VAULT-SUBJECT"]}


def test_records_for_a_person_and_export(h, staff, consented):
    sids = customers(h, 2)
    h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    mine = h.provision.records_for(sids[0])
    assert len(mine) == 1
    assert mine[0]["recipient_id"] == "cic" and "CIC" in mine[0]["recipient_name"]
    assert mine[0]["consent"] == {"document_id": "application_consent", "version": "1.0"}
    out = io.StringIO()
    assert h.provision.export_records(out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {line["subject_id"] for line in lines} == set(sids)
    assert h.provision.export_records(io.StringIO(), since=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == 0


def test_a_batch_of_2000_subjects_in_one_call(h, staff, consented):
    sids = customers(h, 2000)
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING, method="bulk")
    assert len(result.provided) == 2000 and result.records == 2000 and result.refused == {}
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProvisionRecord)) == 2000
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "provision")) == 1
        methods = set(s.scalars(select(ProvisionRecord.method).distinct()))
    assert methods == {"bulk"}
    assert h.audit_verify().ok


def test_with_the_consent_room_the_record_names_the_version_consented_to(h, staff):
    h.access.consent = h.consents
    sids = customers(h, 2)
    h.consents.give(sids[0], "application_consent", channel="written", actor_id=staff["screening"], evidence_ref="form-1")
    result = h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert result.provided == [sids[0]] and result.refused == {sids[1]: ["APPI-27-1"]}
    [record] = h.provision.records_for(sids[0])
    assert record["consent"] == {"document_id": "application_consent", "version": "1.0"}
    h.consents.withdraw(sids[0], "application_consent", channel="written")
    later = h.provision.provide(staff["screening"], sids[:1], "cic", CIC_ITEMS, purpose_id=SCREENING)
    assert later.provided == [] and later.refused == {sids[0]: ["APPI-27-1"]}


def test_migration_0003_down_and_up(engine):
    from sqlalchemy import inspect

    from hogo.db import downgrade, migrate

    tables = {"provisions", "provision_records", "provision_stops"}
    assert tables <= set(inspect(engine).get_table_names())
    downgrade(engine, "0002")
    assert not tables & set(inspect(engine).get_table_names())
    migrate(engine)
    assert tables <= set(inspect(engine).get_table_names())


def test_a_provision_made_early_in_the_japanese_morning_is_dated_that_japanese_day(h, staff, consented):
    """08:30 on 1 March 2028 in Japan is still 29 February in UTC: the record's three years run from 1 March."""
    sids = customers(h, 1)
    with time_machine.travel(dt.datetime(2028, 2, 29, 23, 30, tzinfo=dt.UTC), tick=False):
        h.provision.provide(staff["screening"], sids, "cic", CIC_ITEMS, purpose_id=SCREENING)
    [record] = rows(h, ProvisionRecord)
    assert record.retain_until == dt.date(2031, 2, 28)  # through the day before 1 March 2031
    assert record.retain_until == record_retained_until(RecordMethod.PER_PROVISION, dt.date(2028, 3, 1))
