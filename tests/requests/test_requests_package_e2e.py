"""End to end: a person held in the vault (SQLite and PostgreSQL) and in an external PostgreSQL database.

They file a disclosure request, are verified, pay, and receive a package whose content is checked item by
item — vault values and history, engagement, consent, provision record, and the external rows with their
source. Then they ask for erasure: the vault and the external database lose everything except the credit
record a retention obligation keeps, and the answer letter names that record, where it is and why.
The flow runs through the requests service wired by ``open_hogo`` (intake → identity → payment → decision →
package), with the real retention room: the program keeps the loan ledger's payment history under the Money
Lending Business Act's book-keeping duty, and the erasure decision alone reaches the external database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid

import pytest
import yaml
from _support import MINIMAL
from sqlalchemy import select, text

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.db import make_engine
from hogo.notice.letters import KeptRecord, LetterDecision, render_result_letter
from hogo.policy.models import Policy
from hogo.requests.package import build_package
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCREENING = "credit_screening"
LEDGER_BASIS = "貸金業法第19条・同法施行規則第17条（帳簿の保存）"
KEPT_REASON = f"loan_ledger / {LEDGER_BASIS}"  # as the retention room names it: rule id / statutory basis
#: The program's retention schedule for this test: the loan ledger (帳簿) keeps the payment history while
#: the contract runs and 10 years after the debt is extinguished; nothing else is under a retention duty.
RETENTION = [{"id": "loan_ledger", "items": ["payment_history"], "statutory_basis": LEDGER_BASIS,
              "period": {"years": 10, "from": "full_repayment", "during_contract": True,
                         "text": "契約期間中及び債権の消滅日から10年間"}}]


@pytest.fixture
def external_pg():
    """A private schema on the PostgreSQL server holding the company's CRM tables."""
    schema = f"crm_{uuid.uuid4().hex[:10]}"
    engine = make_engine(PG_URL)
    with engine.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{schema}"'))
        db.execute(text(f'CREATE TABLE "{schema}".customers (customer_no VARCHAR(20) PRIMARY KEY, '
                        "full_name VARCHAR(100), tel VARCHAR(20), payment_status VARCHAR(40), branch VARCHAR(20))"))
        db.execute(text(f'CREATE TABLE "{schema}".call_log (id INTEGER PRIMARY KEY, tel VARCHAR(20), '
                        "caller_name VARCHAR(100), called_on DATE)"))
        db.execute(text(f"""INSERT INTO "{schema}".customers VALUES
            ('C-001', '山田 太郎', '090-1234-5678', '2026-10 遅延なし', '新宿'),
            ('C-002', '佐藤 花子', '080-0000-1111', '2026-10 遅延なし', '渋谷')"""))
        db.execute(text(f"""INSERT INTO "{schema}".call_log VALUES
            (1, '090-1234-5678', 'ヤマダ タロウ', '2026-10-01'), (2, '080-0000-1111', 'サトウ', '2026-10-02')"""))
    yield schema, engine
    with engine.begin() as db:
        db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def world(db_url, external_pg, monkeypatch, tmp_path):
    schema, ext = external_pg
    monkeypatch.setenv("HOGO_E2E_CRM_URL", PG_URL)  # the program holds only the placeholder
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["connectors"] = [{
        "id": "crm", "name": "顧客管理システム", "url": "${HOGO_E2E_CRM_URL}",
        "tables": [
            {"table": "customers", "schema": schema, "subject_key": "customer_no", "key_item": "external_ref",
             "columns": {"full_name": "name", "tel": "phone", "payment_status": "payment_history"},
             "on_erasure": "delete_row"},
            {"table": "call_log", "schema": schema, "subject_key": "tel", "key_item": "phone",
             "columns": {"tel": "phone", "caller_name": "name"}, "on_erasure": "delete_row"},
        ]}]
    data["retention"] = RETENTION
    policy = Policy.model_validate(data)
    h = open_hogo(policy, db_url, keyring=KeyRing.generate(), package_dir=tmp_path / "packages")
    h.access.consent = h.consents
    staff = h.access.create_actor("desk", "screening_staff").id
    sid = h.access.create_subject(staff, "customer", purpose_id=SCREENING, external_ref="C-001")
    h.consents.give(sid, "application_consent", channel="written", evidence_ref="form-0001", actor_id=staff)
    h.access.write(staff, sid, {"name": "山田 太郎", "address": "東京都新宿区西新宿1-1-1", "phone": "090-1234-5678",
                                "income": "6000000", "payment_history": "2026-10 遅延なし"}, purpose_id=SCREENING)
    h.access.write(staff, sid, {"address": "東京都渋谷区道玄坂2-2-2"}, purpose_id=SCREENING)
    h.access.add_engagement(staff, sid, purpose_id=SCREENING, kind="loan", role="contractor",
                            start_date=dt.date(2026, 4, 1), reference="L-100")
    assert h.provision.provide(staff, [sid], "cic", ["name", "address", "payment_history"],
                               purpose_id=SCREENING).provided == [sid]
    yield h, h.requests, staff, sid, schema, ext
    h.close()


def _visible(html: str) -> str:
    body = re.sub(r"<style.*?</style>|<title>.*?</title>", "", html, flags=re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", body))


def test_disclosure_then_erasure_across_the_vault_and_an_external_database(world, tmp_path):
    h, requests, staff, sid, schema, ext = world
    today = clock.today()

    # --- disclosure: file, verify, pay, decide, package --------------------------------------------------
    req = requests.intake(staff, sid, "disclosure", channel="mail", received_on=today, response_method="electronic")
    req, identity = requests.verify_identity(staff, req.id, [{"kind": "運転免許証"}], on=today)
    assert identity.confirmed and req.state == "awaiting_payment" and req.fee_yen == 1000
    req = requests.record_payment(staff, req.id, paid_on=today)
    assert req.state == "in_review"
    req = requests.decide(staff, req.id, "full", decided_on=today)
    assert req.state == "decided" and req.outcome == "full"

    files = requests.package(req.id, actor_id=staff)  # the packager open_hogo wired
    assert files["json"].parent == tmp_path / "packages" / req.id
    package = json.loads(files["json"].read_text(encoding="utf-8"))
    # vault values, item by item, and the history of the corrected address
    assert {r["item_id"]: r["value"] for r in package["records"] if r["current"]} == {
        "name": "山田 太郎", "address": "東京都渋谷区道玄坂2-2-2", "phone": "090-1234-5678", "income": "6000000",
        "payment_history": "2026-10 遅延なし"}
    assert [(r["value"], r["current"]) for r in package["records"] if r["item_id"] == "address"] == [
        ("東京都新宿区西新宿1-1-1", False), ("東京都渋谷区道玄坂2-2-2", True)]
    assert {r["source"] for r in package["records"]} == {"vault.records"}
    assert [(e["kind"], e["role"], e["reference"]) for e in package["engagements"]] == [("loan", "contractor", "L-100")]
    assert [(c["document_id"], c["event"], c["evidence_ref"]) for c in package["consents"]] == [
        ("application_consent", "given", "form-0001")]
    assert [(r["recipient_id"], r["items"]) for r in package["provision_records"]] == [
        ("cic", ["name", "address", "payment_history"])]
    # the external database, with where each row came from
    by_source = {t["source"]: t for t in package["external"]}
    customers, calls = by_source[f"crm:{schema}.customers"], by_source[f"crm:{schema}.call_log"]
    assert customers["connector_name"] == "顧客管理システム" and customers["identified_by"] == "external_ref"
    assert customers["rows"] == [{"full_name": "山田 太郎", "tel": "090-1234-5678",
                                  "payment_status": "2026-10 遅延なし"}]
    assert "branch" not in customers["rows"][0]
    assert calls["identified_by"] == "phone" and calls["rows"] == [{"tel": "090-1234-5678",
                                                                    "caller_name": "ヤマダ タロウ"}]
    counts = {m["id"]: m["entries"] for m in package["manifest"]}
    assert counts == {"vault.records": 6, "vault.engagements": 1, "consent.events": 1, "consent.opt_outs": 0,
                      "provision.records": 1, "provision.receipts": 0, f"crm:{schema}.customers": 1,
                      f"crm:{schema}.call_log": 1}
    assert "ヤマダ タロウ" in files["csv"].read_bytes().decode("utf-8-sig")
    manifest = requests.package_manifest(req.id)  # what the API and the CLI show: counts, never values
    assert manifest["request_id"] == req.id and {m["id"]: m["entries"] for m in manifest["sources"]} == counts
    assert "山田" not in json.dumps(manifest, ensure_ascii=False)
    answer = _visible(render_result_letter(h.policy, LetterDecision(
        request_type="disclosure", outcome=req.outcome, received_on=req.received_on, decided_on=today,
        done=tuple(req.answer["items"]), fee_yen=req.fee_yen, fee_paid_on=today, method=req.response_method,
        reference=req.id)))
    assert "ご請求のとおり開示いたします。" in answer and "手数料1,000円" in answer

    # --- erasure: everything, except what the retention room keeps — one decision, both places ---------
    era = requests.intake(staff, sid, "erasure", channel="mail", received_on=today, basis="no_longer_needed")
    era, identity = requests.verify_identity(staff, era.id, [{"kind": "運転免許証"}], on=today)
    assert era.state == "in_review"  # no fee for erasure (Art. 38(1))
    era = requests.decide(staff, era.id, "full", decided_on=today)
    assert era.outcome == "partial" and "retention_obligation" in era.grounds
    assert era.retained == {"payment_history": KEPT_REASON}
    # the call log was found by the phone number the vault held before the decision erased it
    assert [(x["source"], x["action"], x["rows"], x["nulled_columns"]) for x in era.answer["external"]] == [
        (f"crm:{schema}.customers", "null_columns", 1, ["full_name", "tel"]),
        (f"crm:{schema}.call_log", "delete_row", 1, [])]
    assert (era.answer["external_rows_deleted"], era.answer["external_rows_nulled"]) == (1, 1)
    assert era.answer["kept"] == [
        {"item": "payment_history", "where": "vault.records", "basis": KEPT_REASON},
        {"item": "payment_history", "where": f"crm:{schema}.customers", "basis": KEPT_REASON}]
    assert era.events[-1]["event"] == "decided" and era.events[-1]["detail"]["external_rows"] == 2
    with h.read_sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "connectors.erase")).one()
    assert (entry.subject_id, entry.allowed, entry.items, entry.detail["rows_deleted"], entry.detail["rows_nulled"],
            entry.detail["request_id"]) == (sid, True, ["address", "income", "name", "phone"], 1, 1, era.id)

    with h.read_sessions() as s:  # the vault: only the kept item is left
        left = h.vault.current(s, sid, [i.id for i in h.policy.items])
        assert [r.item_id for r in left] == ["payment_history"]
        assert h.vault.decrypt(s, left)[left[0].id] == "2026-10 遅延なし"
        assert h.vault.history(s, sid, "address") == []
    with ext.connect() as db:  # the external database: nulled around the kept column, call log gone
        assert tuple(db.execute(text(f'SELECT full_name, tel, payment_status, branch FROM "{schema}".customers '
                                     "WHERE customer_no = 'C-001'")).one()) == (None, None, "2026-10 遅延なし", "新宿")
        assert db.execute(text(f'SELECT count(*) FROM "{schema}".call_log WHERE tel = :t'),
                          {"t": "090-1234-5678"}).scalar() == 0
        assert db.execute(text(f'SELECT count(*) FROM "{schema}".call_log')).scalar() == 1  # another person's
        assert tuple(db.execute(text(f'SELECT full_name, tel FROM "{schema}".customers '
                                     "WHERE customer_no = 'C-002'")).one()) == ("佐藤 花子", "080-0000-1111")

    after = build_package(h, sid, actor_id=staff)
    assert [(r["item_id"], r["value"]) for r in after.records] == [("payment_history", "2026-10 遅延なし")]
    assert {t["source"]: t["rows"] for t in after.external}[f"crm:{schema}.customers"] == [
        {"full_name": None, "tel": None, "payment_status": "2026-10 遅延なし"}]

    kept = tuple(KeptRecord(item=k["item"], where=k["where"], basis=k["basis"]) for k in era.answer["kept"])
    letter = _visible(render_result_letter(h.policy, LetterDecision(
        request_type="erasure", outcome=era.outcome, received_on=era.received_on, decided_on=today,
        done=tuple(era.answer["erased"]), kept=kept, reference=era.id)))
    assert "保有個人データの消去の請求に対する回答" in letter and "消去しなかった記録とその理由" in letter
    assert f"支払状況顧客管理システム（{schema}.customers）" in letter and "支払状況当社の個人データベース" in letter
    assert re.sub(r"\s+", "", LEDGER_BASIS) in letter and "個人情報保護法第35条第7項" in letter
    erased = re.search(r"消去した項目(.*?)回答の方法|消去した項目(.*?)消去しなかった", letter)
    assert erased and set(re.split("、", erased.group(1) or erased.group(2))) == {"氏名", "住所", "電話番号", "年収"}
    assert sorted(era.answer["erased"]) == ["address", "income", "name", "phone"]
    assert h.audit_verify().ok
