"""A third party's file of persons comes in as one Art. 30 receipt, on both databases: the confirmations are
checked before anything is imported, and each chunk writes its persons together with their confirmation
records, so no one received is in the vault without the record of where they came from."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hogo.access.importer import import_csv, load_mapping
from hogo.access.models import AuditEntry
from hogo.policy.models import Recipient
from hogo.provision.models import Receipt, ReceiptRecord, ReceivedSubject
from hogo.provision.receipts import ReceiptRefused
from hogo.provision.service import Provisions
from hogo.vault.models import Record, Subject
from hogo.vault.service import VaultError

SCREENING = "credit_screening"
PROVIDER = {"name": "株式会社データ提供", "address": "大阪府大阪市北区梅田1-1-1", "representative": "代表取締役 提供一郎"}
ACQ = "本人から申込書により取得"
HEADER = ["顧客番号", "氏名", "住所"]


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("subject_type: customer\nexternal_ref: 顧客番号\ncolumns:\n  氏名: name\n  住所: address\n",
                    encoding="utf-8")
    return load_mapping(path)


def write_csv(path, n: int, bad_row: int | None = None):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow(["R-000" if i == bad_row else f"R-{i:03d}", f"受領 花子{i}", f"大阪府堺市堺区{i}-1"])
    return path


def count(h, model, *where) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_file_from_a_third_party_is_one_receipt_recorded_chunk_by_chunk(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "received.csv", 5)
    report, receipt_id = h.provision.import_received(
        h, path, mapping, actor_id=staff["screening"], provider=PROVIDER, acquired_how=ACQ, purpose_id=SCREENING,
        consent_ref="提供元の同意条項 第3条", chunk=2)
    assert (report.subjects, report.chunks) == (5, 3)
    with h.sessions() as s:
        [receipt] = s.scalars(select(Receipt)).all()
        subjects = set(s.scalars(select(Subject.id)))
        recorded = list(s.scalars(select(ReceiptRecord.subject_id)))
        sources = set(s.scalars(select(Record.source)))
        providers = set(s.scalars(select(Record.provider)))
        entries = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.in_(["import", "provision.receive"]))
                                 .order_by(AuditEntry.seq)))
    assert receipt.id == receipt_id and receipt.subject_count == 5 and receipt.items == ["name", "address"]
    assert (receipt.provider_name, receipt.acquired_how, receipt.basis) == (PROVIDER["name"], ACQ, "consent")
    assert sorted(recorded) == sorted(subjects) and len(recorded) == 5
    assert count(h, ReceivedSubject) == 5
    assert sources == {"third_party"} and providers == {PROVIDER["name"]}
    assert entries == ["provision.receive", "import"] * 3  # each chunk: its receipt, then its own entry
    assert h.audit_verify().ok


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"acquired_how": None}, "acquired_how", "APPI-30-1-2"),
    ({"provider": {"name": "株式会社データ提供"}}, "provider", "APPI-30-1-1"),
])
def test_a_refused_receipt_imports_nothing(h, staff, mapping, tmp_path, change, field, rule):
    path = write_csv(tmp_path / "received.csv", 3)
    kwargs = {"provider": PROVIDER, "acquired_how": ACQ, "consent_ref": "同意条項", **change}
    entries = count(h, AuditEntry)
    with pytest.raises(ReceiptRefused) as err:
        h.provision.import_received(h, path, mapping, actor_id=staff["screening"], purpose_id=SCREENING, **kwargs)
    assert (err.value.field, err.value.rule) == (field, rule)
    assert count(h, Subject) == count(h, Record) == count(h, Receipt) == 0 and count(h, AuditEntry) == entries


def test_a_failed_chunk_takes_its_receipt_records_with_it(h, staff, mapping, tmp_path):
    """strict: the chunk with a bad row (a key repeated from the first chunk) is not written; the first chunk
    and its records stay, matched."""
    from hogo.access.importer import ImportRejected

    path = write_csv(tmp_path / "received.csv", 6, bad_row=4)
    with pytest.raises(ImportRejected):
        h.provision.import_received(h, path, mapping, actor_id=staff["screening"], provider=PROVIDER,
                                    acquired_how=ACQ, purpose_id=SCREENING, consent_ref="同意条項", chunk=3,
                                    strict=True)
    with h.sessions() as s:
        [receipt] = s.scalars(select(Receipt)).all()
        subjects = sorted(s.scalars(select(Subject.id)))
        recorded = sorted(s.scalars(select(ReceiptRecord.subject_id)))
    assert receipt.subject_count == 3 and subjects == recorded and len(subjects) == 3
    assert h.audit_verify().ok


def test_third_party_data_without_its_receipt_is_refused(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "received.csv", 2)
    with pytest.raises(VaultError) as err:
        import_csv(h, path, mapping, actor_id=staff["screening"], purpose_id=SCREENING, source="third_party",
                   consent_ref="同意条項", provider="株式会社データ提供")
    assert (err.value.field, err.value.rule) == ("source", "APPI-30-1")
    assert count(h, Subject) == 0


def test_persons_bought_by_opt_out_are_not_provided_onward_by_opt_out(h, staff, mapping, tmp_path):
    """The Art. 27(2) proviso reaches persons who came in by file, through the receipt's lineage."""
    path = write_csv(tmp_path / "received.csv", 3)
    h.provision.import_received(h, path, mapping, actor_id=staff["screening"], provider=PROVIDER,
                                acquired_how="オプトアウトにより取得", purpose_id=SCREENING, basis="opt_out",
                                ppc_publication="個人情報保護委員会 2026-05-01 公表", consent_ref="同意条項")
    broker = Recipient.model_validate({
        "id": "list_broker", "name": "名簿株式会社", "basis": "opt_out", "items": ["name", "address"],
        "opt_out": {"ppc_filed_on": "2026-04-01", "acquisition_method": "申込書", "provision_method": "電子データ",
                    "request_method": "電話"}})
    prov = Provisions(h.policy.model_copy(update={"recipients": [broker]}), h.access)
    with h.sessions() as s:
        sids = list(s.scalars(select(Subject.id)))
    result = prov.provide(staff["screening"], sids, "list_broker", ["name"], purpose_id=SCREENING)
    assert result.provided == [] and result.refused == dict.fromkeys(sids, ["APPI-27-2"])


def test_the_cli_imports_a_third_partys_file_with_its_receipt(tmp_path, monkeypatch):
    from pathlib import Path

    from _support import cli_office, open_office

    from hogo.cli import app

    policy = Path(__file__).resolve().parents[2] / "examples" / "policies" / "car_lease.yaml"
    env = cli_office(tmp_path, monkeypatch, policy, "loader", "customer_service")
    runner = CliRunner()
    write_csv(tmp_path / "received.csv", 4)
    (tmp_path / "map.yaml").write_text(
        "subject_type: customer\nexternal_ref: 顧客番号\ncolumns:\n  氏名: name\n  住所: address\n", encoding="utf-8")
    base = ["import", "received.csv", "--mapping", "map.yaml", "--actor", "loader", "--purpose", "product_provision",
            "--source", "third_party", "--consent-ref", "提供元同意書"]
    refused = runner.invoke(app, [*base, "--provider", PROVIDER["name"], "--provider-address", PROVIDER["address"],
                                  "--provider-representative", PROVIDER["representative"]], env=env)
    assert refused.exit_code == 1 and "acquired_how" in refused.output and "APPI-30-1-2" in refused.output
    assert "Traceback" not in refused.output
    wrong = runner.invoke(app, ["import", "received.csv", "--mapping", "map.yaml", "--actor", "loader",
                                "--purpose", "product_provision", "--acquired-how", ACQ], env=env)
    assert wrong.exit_code == 2 and "--source third_party" in wrong.output
    done = runner.invoke(app, [*base, "--provider", PROVIDER["name"], "--provider-address", PROVIDER["address"],
                               "--provider-representative", PROVIDER["representative"], "--acquired-how", ACQ],
                         env=env)
    assert done.exit_code == 0, done.output
    assert "imported 4 subjects" in done.output and "Art. 30 receipt" in done.output
    h = open_office(tmp_path, policy)
    try:
        assert count(h, ReceiptRecord) == 4 and count(h, Subject) == 4
    finally:
        h.close()
