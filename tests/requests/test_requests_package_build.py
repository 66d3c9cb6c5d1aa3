"""Disclosure packages on both databases: every section item by item, the guarantor scope, the files on disk."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.requests.package import build_package, csv_rows, write_package
from hogo.vault.service import VaultError

SCREENING = "credit_screening"


@pytest.fixture
def person(h, staff):
    """A customer with a corrected address (history), a contract, consent and a provision to the bureau."""
    a = staff["screening"]
    h.access.consent = h.consents  # the real consent room
    sid = h.access.create_subject(a, "customer", purpose_id=SCREENING, external_ref="C-001")
    h.consents.give(sid, "application_consent", channel="written", evidence_ref="form-2026-001", actor_id=a)
    h.access.write(a, sid, {"name": "山田 太郎", "address": "東京都新宿区西新宿1-1-1", "phone": "090-1234-5678",
                            "income": "6000000", "payment_history": "延滞なし"}, purpose_id=SCREENING)
    h.access.write(a, sid, {"address": "東京都渋谷区道玄坂2-2-2"}, purpose_id=SCREENING)
    h.access.add_engagement(a, sid, purpose_id=SCREENING, kind="loan", role="contractor",
                            start_date=dt.date(2026, 4, 1), reference="L-100")
    result = h.provision.provide(a, [sid], "cic", ["name", "address", "payment_history"], purpose_id=SCREENING)
    assert result.provided == [sid]
    return sid


def test_package_holds_every_section_item_by_item(h, person):
    p = build_package(h, person)
    assert (p.subject_id, p.subject_type, p.external_ref, p.method) == (person, "customer", "C-001", "electronic")
    current = {r["item_id"]: r["value"] for r in p.records if r["current"]}
    assert current == {"name": "山田 太郎", "address": "東京都渋谷区道玄坂2-2-2", "phone": "090-1234-5678",
                       "income": "6000000", "payment_history": "延滞なし"}
    history = [r for r in p.records if r["item_id"] == "address"]
    assert [(r["value"], r["current"]) for r in history] == [("東京都新宿区西新宿1-1-1", False),
                                                             ("東京都渋谷区道玄坂2-2-2", True)]
    assert history[0]["valid_to"] == history[1]["valid_from"]  # the correction closed the old value
    assert all(r["purpose"] == "お申込みの審査及び与信判断のため" and r["source"] == "vault.records" for r in p.records)
    assert [(e["kind"], e["role"], e["reference"], e["start_date"]) for e in p.engagements] == [
        ("loan", "contractor", "L-100", "2026-04-01")]
    assert [(c["document_id"], c["version"], c["event"], c["evidence_ref"]) for c in p.consents] == [
        ("application_consent", "1.0", "given", "form-2026-001")]
    [rec] = p.provision_records
    assert (rec["recipient_id"], rec["items"], rec["basis"]) == ("cic", ["name", "address", "payment_history"],
                                                                 "consent")
    assert p.external == [] and p.guaranteed_debt == []
    sources = {s.id: s.entries for s in p.sources}
    assert sources["vault.records"] == 6 and sources["vault.engagements"] == 1
    assert sources["consent.events"] == 1 and sources["provision.records"] == 1
    assert sources["provision.receipts"] == len(p.receipts)


def test_building_is_audited_without_values(h, person):
    build_package(h, person, actor_id=None)
    with h.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert entry.action == "requests.package" and entry.subject_id == person
    assert entry.reasons == ["APPI-33-1", "APPI-33-5"] and entry.detail["records"] == 6
    assert "山田" not in json.dumps(entry.detail, ensure_ascii=False)
    assert h.audit_verify().ok


def test_scope_restricts_items_and_bad_input_is_named(h, person):
    p = build_package(h, person, scope=["phone"])
    assert {r["item_id"] for r in p.records} == {"phone"}
    assert p.provision_records == []  # the bureau record does not concern the phone number
    with pytest.raises(VaultError) as info:
        build_package(h, person, scope=["phone", "shoe_size"])
    assert info.value.field == "scope[1]"
    with pytest.raises(VaultError) as info:
        build_package(h, person, method="fax")
    assert info.value.field == "method"
    with pytest.raises(VaultError) as info:
        build_package(h, person, method="in_person")  # not offered by the program
    assert info.value.rule == "REQ-METHOD"


def test_guarantor_sees_only_the_guaranteed_debt(h, staff, person, tmp_path):
    a = staff["screening"]
    g = h.access.create_subject(a, "customer", purpose_id=SCREENING, external_ref="G-001")
    h.consents.give(g, "application_consent", channel="written", actor_id=a)
    h.access.write(a, g, {"name": "保証 花子", "phone": "080-1111-2222", "income": "3000000"}, purpose_id=SCREENING)
    h.access.add_engagement(a, g, purpose_id=SCREENING, kind="loan", role="joint_guarantor",
                            start_date=dt.date(2026, 4, 1), reference="L-100")
    h.access.add_engagement(a, g, purpose_id=SCREENING, kind="lease", role="contractor",
                            start_date=dt.date(2025, 1, 1), reference="R-9")
    p = build_package(h, g, guarantor_of="L-100")
    assert [e["reference"] for e in p.engagements] == ["L-100"]  # not the guarantor's own lease
    assert {r["item_id"]: r["value"] for r in p.records} == {"name": "保証 花子", "phone": "080-1111-2222",
                                                             "income": "3000000"}
    # the debt's objective facts (items registered with the bureau), not the principal's income or address
    assert [(r["item_id"], r["value"], r["contract"]) for r in p.guaranteed_debt] == [
        ("payment_history", "延滞なし", "L-100")]
    assert p.consents == [] and p.provision_records == []
    html = write_package(h, p, tmp_path)["html"].read_text(encoding="utf-8")
    assert "保証債務に関する情報（契約番号 L-100）" in html and "延滞なし" in html
    assert "6000000" not in html and "R-9" not in html  # the principal's income, the guarantor's other contract
    with pytest.raises(VaultError) as info:
        build_package(h, g, guarantor_of="R-9")  # a contractor there, not a guarantor
    assert info.value.rule == "REQ-GUARANTOR"


def test_electronic_files_json_csv_html_and_manifest(h, person, tmp_path):
    p = build_package(h, person)
    files = write_package(h, p, tmp_path / "out")
    assert set(files) == {"json", "csv", "html", "manifest"}
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["subject_id"] == person and len(data["records"]) == 6
    assert {m["id"] for m in data["manifest"]} >= {"vault.records", "consent.events", "provision.records"}
    raw = files["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Japanese correctly
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert table[0][:5] == ["区分", "取得元", "項目ID", "項目名", "値"]
    assert any(r[2:6] == ["address", "住所", "東京都新宿区西新宿1-1-1", "いいえ"] for r in table)
    assert any(r[0] == "第三者提供記録" and r[2] == "cic" for r in table)
    assert table == csv_rows(p)
    html = files["html"].read_text(encoding="utf-8")
    assert "保有個人データの開示について" in html and "東京都渋谷区道玄坂2-2-2" in html and "過去の値" in html
    assert "令和" in html and "株式会社ほごクレジット" in html and "お客様相談室" in html
    manifest = json.loads(files["manifest"].read_text(encoding="utf-8"))
    for kind in ("json", "csv", "html"):
        assert manifest["files"][kind]["sha256"] == hashlib.sha256(files[kind].read_bytes()).hexdigest()


def test_printed_letter_goes_to_the_registered_address(h, person, tmp_path):
    p = build_package(h, person, method="registered_mail")
    files = write_package(h, p, tmp_path)
    assert set(files) == {"html", "manifest"}
    html = files["html"].read_text(encoding="utf-8")
    head = html[html.index('class="addressee"'):html.index("</div>", html.index('class="addressee"'))]
    assert "東京都渋谷区道玄坂2-2-2" in head and "山田 太郎 様" in head  # the current address, not the old one


def test_a_shredded_person_gets_the_records_listed_without_values(h, staff, person):
    h.access.shred(staff["screening"], person)
    p = build_package(h, person)
    assert p.shredded and p.records and all(r["value"] is None for r in p.records)


def test_html_escapes_values(h, staff, person, tmp_path):
    h.access.write(staff["screening"], person, {"name": "<script>alert(1)</script>"}, purpose_id=SCREENING)
    html = write_package(h, build_package(h, person), tmp_path)["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_receipt_records_come_from_the_provision_room_when_it_has_them(h, person, tmp_path, monkeypatch):
    receipt = {"id": "rr-1", "provider_id": "partner", "provider_name": "ほごリース株式会社",
               "items": ["name", "income"], "received_on": "2026-05-01", "retain_until": "2029-04-30"}
    monkeypatch.setattr(h.provision, "receipts_for", lambda subject_id: [receipt] if subject_id == person else [],
                        raising=False)
    p = build_package(h, person)
    assert p.receipts == [receipt] and p.receipts_available
    assert {s.id: s.entries for s in p.sources}["provision.receipts"] == 1
    files = write_package(h, p, tmp_path)
    assert "ほごリース株式会社" in files["html"].read_text(encoding="utf-8")
    assert any(r[0] == "第三者からの受領記録" and r[3] == "ほごリース株式会社" for r in csv_rows(p))


def test_a_my_number_is_never_in_a_package_only_that_it_is_held(h, staff, tmp_path):
    hr = staff["hr"]
    emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
    h.access.write(hr, emp, {"name": "従業 一郎", "my_number": "123456789018"}, purpose_id="withholding")
    p = build_package(h, emp)
    [mn] = [r for r in p.records if r["item_id"] == "my_number"]
    assert mn["value"] is None and mn["withheld"] == "MNA-HELD-ONLY" and mn["current"]
    assert p.current("name") == "従業 一郎"
    files = write_package(h, p, tmp_path)
    for f in files.values():
        assert "123456789018" not in f.read_text(encoding="utf-8-sig")
    assert "保有しています（番号そのものは記載しません）" in files["html"].read_text(encoding="utf-8")


def test_the_packager_packages_a_decided_request(h, staff, person, tmp_path):
    from hogo.requests.package import DisclosurePackager
    from hogo.requests.service import Requests

    packager = DisclosurePackager(h, tmp_path)
    reqs = Requests(h.policy, h.sessions, h.vault, h.access, consents=h.consents, provisions=h.provision,
                    packager=packager, read_sessions=h.read_sessions)
    packager.requests = reqs
    a, day = staff["screening"], clock.today()
    r = reqs.intake(a, person, "provision_records", received_on=day, response_method="electronic")
    r, _ = reqs.verify_identity(a, r.id, [{"kind": "運転免許証"}], on=day)
    reqs.record_payment(a, r.id, paid_on=day)
    reqs.decide(a, r.id, "full", decided_on=day)
    files = reqs.package(r.id)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["records"] == [] and data["external"] == [] and data["consents"] == []
    assert [x["recipient_id"] for x in data["provision_records"]] == ["cic"]
    assert {m["id"] for m in data["manifest"]} == {"provision.records", "provision.receipts"}
    assert files["json"].parent == tmp_path / r.id


def test_vault_lists_engagements_by_person_and_by_contract(h, staff, person):
    from hogo.db import unit_of_work

    with unit_of_work(h.sessions) as s:
        other = h.vault.create_subject(s, "customer").id
        h.vault.add_engagement(s, other, kind="loan", role="joint_guarantor", start_date=dt.date(2026, 4, 1),
                               reference="L-100")
        h.vault.add_engagement(s, person, kind="card", role="holder", start_date=dt.date(2025, 1, 10),
                               reference="K-7")
    with h.read_sessions() as s:
        mine = h.vault.engagements(s, person)
        on_loan = h.vault.engagements(s, None, reference="L-100")
        with pytest.raises(VaultError) as err:
            h.vault.engagements(s, None)
    assert [(e.reference, e.start_date) for e in mine] == [("K-7", dt.date(2025, 1, 10)), ("L-100", dt.date(2026, 4, 1))]
    assert sorted((e.subject_id == person, e.role) for e in on_loan) == [(False, "joint_guarantor"), (True, "contractor")]
    assert err.value.field == "subject_id"


def test_open_hogo_wires_a_packager_writing_under_the_package_root(tmp_path, monkeypatch):
    from _support import MINIMAL

    from hogo.sdk import open_hogo, package_root
    from hogo.vault.crypto import KeyRing

    monkeypatch.delenv("HOGO_PACKAGE_DIR", raising=False)
    (tmp_path / "db").mkdir()
    h = open_hogo(MINIMAL, f"sqlite:///{tmp_path / 'db' / 'hogo.db'}", keyring=KeyRing.generate())
    try:
        assert h.requests.packager.out_root == tmp_path / "db" / "packages"  # beside the database file
        assert h.requests.packager.requests is h.requests and h.requests.packager.hogo is h
        monkeypatch.setenv("HOGO_PACKAGE_DIR", str(tmp_path / "env"))
        assert package_root(h.engine) == tmp_path / "env"
        assert package_root(h.engine, tmp_path / "given") == tmp_path / "given"
    finally:
        h.close()


def _decided_disclosure(h, staff, person, tmp_path):
    from hogo.requests.package import DisclosurePackager
    from hogo.requests.service import Requests

    packager = DisclosurePackager(h, tmp_path)
    reqs = Requests(h.policy, h.sessions, h.vault, h.access, consents=h.consents, provisions=h.provision,
                    packager=packager, read_sessions=h.read_sessions)
    packager.requests = reqs
    a, day = staff["screening"], clock.today()
    r = reqs.intake(a, person, "disclosure", received_on=day, response_method="electronic")
    r, _ = reqs.verify_identity(a, r.id, [{"kind": "運転免許証"}], on=day)
    reqs.record_payment(a, r.id, paid_on=day)
    reqs.decide(a, r.id, "full", decided_on=day)
    return reqs, r.id


def _bytes_under(folder) -> bytes:
    return b"".join(f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file())


def test_closing_the_request_deletes_the_package_values_and_keeps_the_manifest(h, staff, person, tmp_path):
    """The package was sent: its plain-text copies go (APPI Art. 22), its manifest proves what was sent."""
    reqs, request_id = _decided_disclosure(h, staff, person, tmp_path)
    files = reqs.package(request_id)
    sent = {kind: hashlib.sha256(f.read_bytes()).hexdigest() for kind, f in files.items() if kind != "manifest"}
    assert "山田 太郎".encode() in _bytes_under(tmp_path / request_id)
    reqs.close(staff["screening"], request_id)
    assert sorted(p.name for p in (tmp_path / request_id).iterdir()) == ["manifest.json"]
    raw = _bytes_under(tmp_path)
    for value in ("山田 太郎", "東京都渋谷区道玄坂", "090-1234-5678", "6000000", "延滞なし"):
        assert value.encode() not in raw, value
    manifest = reqs.package_manifest(request_id)
    assert {kind: f["sha256"] for kind, f in manifest["files"].items()} == sent
    assert manifest["discarded"] == ["disclosure.json", "disclosure.csv", "disclosure.html"]
    assert manifest["discarded_at"] and reqs.show(request_id).state == "closed"


def test_the_request_file_keeper_removes_the_package_folder_with_the_file(h, staff, person, tmp_path):
    from hogo.requests.keeper import RequestFiles

    reqs, request_id = _decided_disclosure(h, staff, person, tmp_path)
    reqs.package(request_id)
    reqs.close(staff["screening"], request_id)
    stray = tmp_path / "not-a-request"
    stray.mkdir()
    keeper = RequestFiles(h.policy, h.sessions, years=3, package_root=tmp_path)
    closed = clock.today()
    kept_through = dt.date(closed.year + 3, closed.month, 28 if (closed.month, closed.day) == (2, 29) else closed.day)
    assert keeper.dispose_expired_records(kept_through) == 0  # kept through the same day three years on
    assert (tmp_path / request_id / "manifest.json").is_file()
    assert keeper.dispose_expired_records(kept_through + dt.timedelta(days=1)) >= 3  # request, its events
    assert not (tmp_path / request_id).exists() and stray.is_dir()  # only folders of disposed requests
    with h.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert entry.action == "requests.dispose_files" and entry.detail["package_folders"] == 1
    assert h.audit_verify().ok


@pytest.mark.parametrize("request_id", ["../etc", "a/b", "", "0" * 36])
def test_a_package_folder_is_built_only_from_a_request_id(tmp_path, request_id):
    from hogo.requests.package import package_folder

    with pytest.raises(VaultError) as err:
        package_folder(tmp_path, request_id)
    assert (err.value.field, err.value.rule) == ("request_id", "REQ-ID")
