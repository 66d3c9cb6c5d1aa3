"""Receipts (Art. 30) in batches, records for the person and the export, disposal after keep-until, and the
consent room's set-based query a consent-based batch relies on — on both databases."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import event, func, select, update

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.consent.service import Consents
from hogo.db import unit_of_work
from hogo.policy.models import Item
from hogo.provision.models import ProvisionRecord, Receipt, ReceiptRecord, RelatedProvision
from hogo.vault.service import Vault, VaultError

SCREENING = "credit_screening"
PROVIDER = {"name": "株式会社データ提供", "address": "大阪府大阪市北区梅田1-1-1", "representative": "代表取締役 提供一郎"}
ACQ = "本人から申込書により取得"
RETAILER = {"name": "ほごマート株式会社", "address": "東京都渋谷区渋谷1-1-1", "representative": "代表取締役 小売次郎"}


def customers(h, n: int, kind: str = "customer") -> list[str]:
    with unit_of_work(h.sessions) as s:
        return [h.vault.create_subject(s, kind).id for _ in range(n)]


def last_audit(h) -> AuditEntry:
    with h.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def count(h, model) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_receipt_batch_records_each_person_and_refuses_unknown_and_shredded(h, staff):
    sids = customers(h, 300)
    employee = customers(h, 1, "employee")[0]
    h.access.shred(staff["screening"], sids[0])
    result = h.provision.receive(staff["screening"], [*sids, "nobody", employee], PROVIDER, ["name", "address"], ACQ,
                                 purpose_id=SCREENING, consent_ref="提供元の同意条項 第3条", method="bulk")
    assert result.received == sids[1:] and result.records == 299
    assert result.refused == {sids[0]: ["ACC-SHREDDED"], "nobody": ["VAULT-SUBJECT"], employee: ["ACC-SUBJECT-TYPE"]}
    with h.sessions() as s:
        [receipt] = s.scalars(select(Receipt)).all()
        assert (receipt.provider_kind, receipt.provider_name, receipt.subject_count) == ("ad_hoc", PROVIDER["name"], 299)
        assert receipt.acquired_how == ACQ and receipt.confirmed_by == "declaration"
        assert set(s.scalars(select(ReceiptRecord.kind).distinct())) == {"recipient_consent"}
    entry = last_audit(h)
    assert entry.action == "provision.receive" and entry.allowed and entry.seq == result.audit_seq
    assert (entry.detail["received"], entry.detail["refused"], entry.detail["records"]) == (299, 3, 299)
    assert entry.subject_id is None and PROVIDER["name"] not in json.dumps(entry.detail, ensure_ascii=False)
    assert h.audit_verify().ok


def test_a_refused_receipt_and_a_role_denial_leave_no_receipt(h, staff):
    sids = customers(h, 2)
    before = last_audit(h).seq
    with pytest.raises(VaultError) as err:  # C13: how the provider acquired the data is not confirmed
        h.provision.receive(staff["screening"], sids, PROVIDER, ["name"], "  ", purpose_id=SCREENING,
                            consent_ref="x")
    assert (err.value.rule, err.value.field) == ("APPI-30-1-2", "acquired_how")
    assert last_audit(h).seq == before  # bad input: nothing written, not even to the chain
    with pytest.raises(AccessDenied) as denied:
        h.provision.receive(staff["marketing"], sids, PROVIDER, ["name", "income"], ACQ, purpose_id=SCREENING,
                            consent_ref="x")
    assert "ACC-ROLE-PURPOSE" in denied.value.reasons
    assert last_audit(h).seq == before + 1 == denied.value.audit_seq and last_audit(h).allowed is False
    assert count(h, Receipt) == 0 and count(h, ReceiptRecord) == 0
    for bad, rule in [({"provider": "nobody"}, "PRV-RECIPIENT"), ({"basis": "gift"}, "PRV-BASIS"),
                      ({"method": "bulk", "basis": "opt_out", "ppc_publication": "公表"}, "APPI-RULES-19-2"),
                      ({"received_on": clock.today() + dt.timedelta(days=1)}, "PRV-DATE"),
                      ({"provider": {"business": False, "name": "山田太郎", "subject_id": sids[0]}}, "PRV-PARTY")]:
        args = {"provider": PROVIDER, "consent_ref": "x", **bad}
        with pytest.raises(VaultError) as err:
            h.provision.receive(staff["screening"], sids, args.pop("provider"), ["name"], ACQ, purpose_id=SCREENING,
                                **args)
        assert err.value.rule == rule, bad
    assert count(h, Receipt) == 0


def test_receipts_for_the_person_and_the_export_of_every_record(h, staff):
    h.access.consent = h.consents
    sids = customers(h, 2)
    h.consents.give(sids[0], "application_consent", channel="written", actor_id=staff["screening"])
    h.provision.provide(staff["screening"], sids[:1], "cic", ["name"], purpose_id=SCREENING)
    h.provision.receive(staff["screening"], sids, PROVIDER, ["name"], ACQ, purpose_id=SCREENING, consent_ref="c")
    h.provision.provide_related(staff["marketing"], RETAILER, ["cookie_id"], consent_confirmed=True)
    mine = h.provision.receipts_for(sids[1])
    assert [r["subject_id"] for r in mine] == [sids[1]] and mine[0]["provider"]["name"] == PROVIDER["name"]
    assert h.provision.records_for(sids[1]) == []  # records_for stays the Art. 29 records
    out = io.StringIO()
    assert h.provision.export_records(out) == 4
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["record"] for line in lines] == ["provision", "receipt", "receipt", "related"]
    assert lines[3]["recipient"]["name"] == RETAILER["name"] and "subject_id" not in lines[3]
    tomorrow = clock.today() + dt.timedelta(days=1)
    assert h.provision.export_records(io.StringIO(), since=tomorrow) == 0


def test_records_past_keep_until_are_disposed_set_based_with_one_audit_entry(h, staff):
    h.access.consent = h.consents
    sids = customers(h, 3)
    for sid in sids:
        h.consents.give(sid, "application_consent", channel="written", actor_id=staff["screening"])
    h.provision.provide(staff["screening"], sids, "cic", ["name"], purpose_id=SCREENING)
    with unit_of_work(h.sessions) as s:  # two of the provision records were made long ago
        s.execute(update(ProvisionRecord).where(ProvisionRecord.subject_id.in_(sids[:2]))
                  .values(retain_until=dt.date(2025, 1, 9)))
    h.provision.receive(staff["screening"], sids[:1], PROVIDER, ["name"], ACQ, purpose_id=SCREENING,
                        consent_ref="c", received_on=dt.date(2024, 1, 10), method="contract_substitute")
    h.provision.provide_related(staff["marketing"], RETAILER, ["cookie_id"], consent_confirmed=True, method="bulk",
                                provided_on=dt.date(2021, 1, 1), last_provided_on=dt.date(2022, 1, 9))
    assert h.provision.receipts_for(sids[0])[0]["retain_until"] == "2025-01-09"
    assert h.provision.related_records()[0]["retain_until"] == "2025-01-08"
    assert h.provision.expired_records(dt.date(2025, 1, 9)) == 1  # kept *through* the last day
    assert h.provision.expired_records(dt.date(2025, 1, 10)) == 4
    assert h.provision.dispose_expired_records(dt.date(2025, 1, 10), actor_id=staff["screening"]) == 4
    assert count(h, ProvisionRecord) == 1 and count(h, ReceiptRecord) == 0 and count(h, RelatedProvision) == 0
    assert [r["subject_id"] for r in h.provision.records_for(sids[2])] == [sids[2]]
    entry = last_audit(h)
    assert entry.action == "provision.dispose_records" and entry.actor_id == staff["screening"]
    assert entry.detail == {"as_of": "2025-01-10", "disposed": 4, "provision_records": 2, "receipt_records": 1,
                            "related_provisions": 1}
    assert h.provision.expired_records(dt.date(2025, 1, 10)) == 0
    assert h.audit_verify().ok


def test_related_provision_by_an_unknown_actor_writes_nothing(h, staff):
    before = last_audit(h).seq
    with pytest.raises(VaultError) as err:
        h.provision.provide_related("no-such-actor", RETAILER, ["cookie_id"], consent_confirmed=True)
    assert err.value.field == "actor_id"
    with pytest.raises(VaultError) as err:
        h.provision.provide_related(staff["marketing"], RETAILER, ["Cookie ID"], consent_confirmed=True)
    assert err.value.rule == "PRV-ITEMS"
    assert last_audit(h).seq == before and count(h, RelatedProvision) == 0


# --- the consent room's set-based query ------------------------------------------------------------------------

def _with_birth_dates(h) -> Consents:
    birth = Item.model_validate({"id": "birth_date", "name": "生年月日", "category": "identifying", "format": "date",
                                 "subject_types": ["customer"]})
    p = h.policy
    purposes = [pp.model_copy(update={"items": [*pp.items, "birth_date"]}) if pp.id == SCREENING else pp
                for pp in p.purposes]
    program = p.model_copy(update={"items": [*p.items, birth], "purposes": purposes})
    return Consents(program, Vault(program, h.keyring), h.sessions)


def test_documents_in_force_agrees_with_the_per_person_state(h, staff):
    consents = _with_birth_dates(h)
    adult, minor, guarded, withdrawn, never = customers(h, 5)
    parent = customers(h, 1)[0]
    with unit_of_work(h.sessions) as s:
        consents.vault.put(s, adult, {"birth_date": "1980-01-01"}, purpose_id=SCREENING)
        consents.vault.put(s, minor, {"birth_date": str(clock.today().year - 12) + "-01-01"}, purpose_id=SCREENING)
        consents.vault.put(s, guarded, {"birth_date": str(clock.today().year - 12) + "-01-01"}, purpose_id=SCREENING)
    long_ago = dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC)
    for sid in (adult, minor, withdrawn):
        consents.give(sid, "application_consent", channel="written", actor_id=staff["screening"], at=long_ago)
    consents.give(guarded, "application_consent", channel="written", actor_id=staff["screening"], guardian_subject_id=parent, at=long_ago)
    consents.withdraw(withdrawn, "application_consent", channel="written")
    everyone = [adult, minor, guarded, withdrawn, never]
    with h.sessions() as s:
        bulk = consents.documents_in_force(s, everyone)
        per_person = {sid: {d.document_id: d.version for d in consents.state(s, sid).documents if d.valid}
                      for sid in everyone}
        before = consents.documents_in_force(s, everyone, on=dt.date(2026, 4, 1))
        on_the_day = consents.documents_in_force(s, everyone, on=dt.date(2026, 4, 2))
    assert bulk == {sid: v for sid, v in per_person.items() if v}
    assert bulk == {adult: {"application_consent": "1.0"}, guarded: {"application_consent": "1.0"}}
    assert before == {}  # nobody had consented yet on 1 April
    assert set(on_the_day) == {adult, guarded, withdrawn}  # the withdrawal came later


def test_bulk_views_agree_with_the_per_person_view(h, staff):
    """``Consents.views`` (set-based, for the vault extraction) reads every person as ``view`` does: documents
    in force, a minor's consent without the guardian, opt-outs taken back or not."""
    consents = _with_birth_dates(h)
    adult, minor, withdrawn, opted, back, never = customers(h, 6)
    with unit_of_work(h.sessions) as s:
        consents.vault.put(s, adult, {"birth_date": "1980-01-01"}, purpose_id=SCREENING)
        consents.vault.put(s, minor, {"birth_date": str(clock.today().year - 12) + "-01-01"}, purpose_id=SCREENING)
    long_ago = dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC)
    for sid in (adult, minor, withdrawn, opted):
        consents.give(sid, "application_consent", channel="written", actor_id=staff["screening"], at=long_ago)
    consents.withdraw(withdrawn, "application_consent", channel="written")
    for sid in (opted, back):
        consents.opt_out(sid, "marketing", at=long_ago)
    consents.opt_in(back, "marketing", actor_id=staff["marketing"])
    everyone = [adult, minor, withdrawn, opted, back, never]
    with h.sessions() as s:
        bulk = consents.views(s, everyone)
        one_by_one = {sid: consents.view(s, sid) for sid in everyone}
    assert bulk == one_by_one
    assert bulk[minor].guardian_missing == {"application_consent"} and not bulk[minor].valid_documents
    assert bulk[opted].opted_out == {"marketing"} and bulk[back].opted_out == frozenset()


def test_a_consent_based_batch_asks_the_consent_room_once_per_chunk(h, staff):
    h.access.consent = h.consents
    sids = customers(h, 400)
    for sid in sids[:300]:
        h.consents.give(sid, "application_consent", channel="written", actor_id=staff["screening"])
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        if "consent_events" in statement:
            statements.append(statement)

    event.listen(h.engine, "before_cursor_execute", seen)
    try:
        result = h.provision.provide(staff["screening"], sids, "cic", ["name", "address"], purpose_id=SCREENING)
    finally:
        event.remove(h.engine, "before_cursor_execute", seen)
    assert len(result.provided) == 300 and set(result.refused) == set(sids[300:]) and result.records == 300
    assert len(statements) == 1  # one windowed query for the 400 (chunks of 5,000), not one per person
    assert {r["consent"]["version"] for sid in sids[:2] for r in h.provision.records_for(sid)} == {"1.0"}


def test_migration_0004_down_and_up(engine):
    from sqlalchemy import inspect

    from hogo.db import downgrade, migrate

    tables = {"receipts", "receipt_records", "related_provisions"}
    assert tables <= set(inspect(engine).get_table_names())
    downgrade(engine, "0003")
    names = set(inspect(engine).get_table_names())
    assert not tables & names and "provision_records" in names
    migrate(engine)
    assert tables <= set(inspect(engine).get_table_names())
