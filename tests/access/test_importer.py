"""Bulk import on SQLite and PostgreSQL: values read back exactly, search works, one audit entry per chunk,
bad rows are reported without their values, duplicates are refused, a refusal imports nothing, cp932 files
are read, and a crash in chunk 2 leaves chunk 1 committed and the chain intact."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from hogo.access import audit, importer
from hogo.access.importer import (
    ImportAborted,
    ImportRejected,
    Mapping,
    MappingError,
    count_rows,
    import_csv,
    load_mapping,
)
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.vault.models import DataKey, Record, Subject

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"
HEADER = ["顧客番号", "氏名", "住所", "電話番号", "年収"]
MAPPING_YAML = """\
subject_type: customer
external_ref: 顧客番号
columns:
  氏名: name
  住所: address
  電話番号: phone
  年収: income
"""


@pytest.fixture
def mapping(tmp_path) -> Mapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING_YAML, encoding="utf-8")
    return load_mapping(path)


def person(i: int) -> list[str]:
    return [f"C-{i:05d}", f"山田 太郎{i}", f"東京都千代田区丸の内{i}-1-1 ほごビル", f"090-{i // 10000:04d}-{i % 10000:04d}",
            str(3_000_000 + i)]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8", delimiter=",") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def counts(h) -> dict[str, int]:
    with h.sessions() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("subjects", "records", "data_keys")}


def import_entries(h) -> list[AuditEntry]:
    with h.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.seq)))


def subject_id(h, ref: str) -> str:
    with h.sessions() as s:
        return s.scalar(select(Subject.id).where(Subject.external_ref == ref))


def run(h, staff, path, mapping, **kw):
    kw.setdefault("actor_id", staff["screening"])
    kw.setdefault("purpose_id", "credit_screening")
    kw.setdefault("source", "direct")
    kw.setdefault("consent_ref", "APP-2026-0001")
    return import_csv(h, path, mapping, **kw)


# --- the happy path ---------------------------------------------------------------------------------------

def test_import_reads_back_exactly_and_audits_one_entry_per_chunk(h, staff, mapping, tmp_path):
    n = 2500
    rows = [person(i) for i in range(n)]
    rows[7][2] = "  東京都港区六本木６－１０－１　ヒルズ  "  # kept exactly as written
    rows[8][4] = " "  # blank cell: no record for income
    path = write_csv(tmp_path / "customers.csv", rows)
    seen: list[int] = []
    report = run(h, staff, path, mapping, chunk=1000, progress=seen.append)

    assert (report.subjects, report.records, report.chunks, report.rejected) == (n, 4 * n - 1, 3, [])
    assert seen == [1000, 2000, 2500] and report.rows == n == count_rows(path, mapping)
    assert counts(h) == {"subjects": n, "records": 4 * n - 1, "data_keys": n}

    for i in (0, 7, 8, 1234, n - 1):
        result = h.access.read(staff["screening"], subject_id(h, f"C-{i:05d}"), ["name", "address", "phone", "income"],
                               purpose_id="credit_screening")
        expected = dict(zip(["name", "address", "phone", "income"], rows[i][1:], strict=True))
        if i == 8:
            del expected["income"]
        assert result.values == expected

    entries = import_entries(h)
    assert [e.detail["chunk"] for e in entries] == [1, 2, 3]
    assert [e.detail["subjects"] for e in entries] == [1000, 1000, 500]
    assert sum(e.detail["records"] for e in entries) == 4 * n - 1
    assert all(e.allowed and e.items == ["name", "address", "phone", "income"] for e in entries)
    assert all(e.purpose_id == "credit_screening" and e.actor_id == staff["screening"] for e in entries)
    assert [e.seq for e in entries] == report.audit_seqs
    assert {e.detail["import"] for e in entries} == {report.import_id}
    verified = h.audit_verify()
    assert verified.ok and verified.count == 3 + 3 + 5  # three actors, three chunks, five reads


def test_records_follow_the_vault_layout(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(5)])
    run(h, staff, path, mapping, consent_ref="APP-9")
    with h.sessions() as s:
        records = list(s.scalars(select(Record)))
        keys = list(s.scalars(select(DataKey)))
    assert {(r.key_scope, r.source, r.channel, r.purpose_id, r.consent_ref, r.created_by) for r in records} == {
        ("standard", "direct", "file", "credit_screening", "APP-9", staff["screening"])}
    assert all((r.blind_index is not None) == (r.item_id == "phone") for r in records)
    assert all(r.valid_to is None and r.valid_from.tzinfo is not None for r in records)
    assert {k.scope for k in keys} == {"standard"} and all(k.master_key_id == h.keyring.current_id for k in keys)
    # decrypting through the vault (the record's AAD binds record, subject and item)
    with h.sessions() as s:
        plain = h.vault.decrypt(s, records)
    assert sorted(plain.values()) == sorted(v for i in range(5) for v in person(i)[1:])


def test_blind_index_search_finds_imported_phones(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(300)])
    run(h, staff, path, mapping, chunk=100)
    found = h.access.search(staff["screening"], "phone", "０９０ー００００ー０１２３", purpose_id="credit_screening")
    assert found == [subject_id(h, "C-00123")]


def test_my_number_gets_its_own_key_scope_and_index(h, staff, tmp_path):
    path = write_csv(tmp_path / "emp.csv", [["E-1", "佐藤 花子", "123456789018"], ["E-2", "鈴木 一郎", "983205673214"]],
                     header=["社員番号", "氏名", "個人番号"])
    m = Mapping("employee", "社員番号", {"氏名": "name", "個人番号": "my_number"})
    report = import_csv(h, path, m, actor_id=staff["hr"], purpose_id="withholding", source="direct")
    assert (report.subjects, report.records) == (2, 4)
    with h.sessions() as s:
        scopes = sorted(s.scalars(select(DataKey.scope).join(Subject, Subject.id == DataKey.subject_id)
                                  .where(Subject.external_ref == "E-1")))
    assert scopes == ["my_number", "standard"]
    assert h.access.search(staff["hr"], "my_number", "1234 5678 9018", purpose_id="withholding") == [
        subject_id(h, "E-1")]
    assert h.access.read(staff["hr"], subject_id(h, "E-2"), ["my_number"], purpose_id="withholding").values == {
        "my_number": "983205673214"}


# --- bad rows, duplicates, strict --------------------------------------------------------------------------

def test_rejected_rows_name_row_column_and_rule_never_the_value(h, staff, mapping, tmp_path):
    rows = [person(i) for i in range(6)]
    rows[1][3] = "03-12"  # too few digits
    rows[2][0] = "  "  # no business key
    rows[3] = rows[3][:4]  # a field missing
    rows[4][3] = "99"  # a bad phone …
    rows[4][1] = "   "  # … and a blank name (no value: not an error)
    path = write_csv(tmp_path / "c.csv", rows)
    report = run(h, staff, path, mapping)
    assert report.subjects == 2 and report.rejected_rows == 4
    assert [(r.row, r.column, r.rule) for r in report.rejected] == [
        (3, "電話番号", "VAULT-PHONE"),
        (4, "顧客番号", "IMPORT-REF"),
        (5, None, "IMPORT-FIELDS"),
        (6, "電話番号", "VAULT-PHONE"),
    ]
    shown = " ".join(str(r) + repr(r) for r in report.rejected)
    assert "03-12" not in shown and "99 " not in shown and "山田" not in shown
    assert import_entries(h)[0].detail["rejected"] == 4
    assert h.audit_verify().ok


def test_duplicates_in_the_file_and_in_the_database_are_rejected(h, staff, mapping, tmp_path):
    h.access.create_subject(staff["screening"], "customer", purpose_id="credit_screening", external_ref="C-00002")
    rows = [person(i) for i in range(6)] + [person(1), person(4)]
    rows[7][0] = " C-00004 "  # surrounding spaces do not make a new key
    path = write_csv(tmp_path / "c.csv", rows)
    report = run(h, staff, path, mapping, chunk=7)  # row 9 repeats a key of chunk 1 (caught by the database)
    assert report.subjects == 5
    assert [(r.row, r.rule) for r in report.rejected] == [(4, "VAULT-DUPLICATE"), (8, "VAULT-DUPLICATE"),
                                                          (9, "VAULT-DUPLICATE")]
    assert "repeats row 3" in report.rejected[1].message
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Subject)) == 6


def test_rerunning_a_file_imports_nothing_twice(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(50)])
    run(h, staff, path, mapping)
    again = run(h, staff, path, mapping)
    assert again.subjects == 0 and again.rejected_rows == 50
    assert {r.rule for r in again.rejected} == {"VAULT-DUPLICATE"}
    assert counts(h)["subjects"] == 50


def test_strict_stops_before_the_chunk_with_a_bad_row(h, staff, mapping, tmp_path):
    rows = [person(i) for i in range(30)]
    rows[25][3] = "12"
    path = write_csv(tmp_path / "c.csv", rows)
    with pytest.raises(ImportRejected) as info:
        run(h, staff, path, mapping, chunk=10, strict=True)
    assert [(r.row, r.column) for r in info.value.rejected] == [(27, "電話番号")]
    assert info.value.report.subjects == 20 and "12" not in str(info.value).replace("chunk", "")
    assert counts(h)["subjects"] == 20 and len(import_entries(h)) == 2
    assert h.audit_verify().ok


# --- refusals and bad mappings -----------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "purpose", "consent", "reason"), [
    ("marketing", "credit_screening", "APP-1", "ACC-ROLE-PURPOSE"),  # role not allowed the purpose
    ("screening", "credit_screening", None, "ACC-NO-CONSENT"),  # consent-required purpose, no consent_ref
    ("marketing", "marketing", None, "APPI-18-1"),  # phone and income are outside the marketing purpose
])
def test_a_refused_import_imports_nothing_and_is_audited_once(h, staff, mapping, tmp_path, who, purpose, consent,
                                                              reason):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(20)])
    before = h.audit_verify().count
    with pytest.raises(AccessDenied) as info:
        run(h, staff, path, mapping, actor_id=staff[who], purpose_id=purpose, consent_ref=consent)
    assert reason in info.value.reasons
    assert counts(h) == {"subjects": 0, "records": 0, "data_keys": 0}
    entries = import_entries(h)
    assert len(entries) == 1 and not entries[0].allowed and entries[0].seq == info.value.audit_seq
    assert entries[0].items == ["name", "address", "phone", "income"] and reason in entries[0].reasons
    verified = h.audit_verify()
    assert verified.ok and verified.count == before + 1


def test_an_unknown_actor_is_refused(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [person(1)])
    with pytest.raises(AccessDenied) as info:
        run(h, staff, path, mapping, actor_id="00000000-0000-0000-0000-000000000000")
    assert info.value.reasons == ["ACC-ACTOR"] and counts(h)["subjects"] == 0


def test_mapping_errors_name_the_mapping_field_and_line(h, staff, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "subject_type: customer\n"
        "external_ref: 顧客番号\n"
        "columns:\n"
        "  氏名: name\n"
        "  マイナンバー: my_number\n"  # declared for employees only
        "  趣味: hobby\n"  # no such item
        "  電話: name\n"  # name twice
        "encoding: latin-1\n"
        "sheet: 1\n", encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_mapping(path, h.policy)
    fields = {(p.field, p.line) for p in info.value.problems}
    assert fields == {("encoding", 8), ("sheet", 9)}  # structure first; the policy is checked once it loads
    path.write_text(path.read_text(encoding="utf-8").replace("encoding: latin-1\nsheet: 1\n", ""), encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_mapping(path, h.policy)
    assert {(p.field, p.line) for p in info.value.problems} == {
        ("columns.マイナンバー", 5), ("columns.趣味", 6), ("columns.電話", 7)}
    assert "bad.yaml:6: columns.趣味" in str(info.value)

    with pytest.raises(MappingError) as info:
        load_mapping(path.with_name("missing.yaml"))
    assert info.value.problems[0].field == "(file)"


def test_a_header_without_a_mapped_column_changes_nothing(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [p[:4] for p in (person(1), person(2))], header=HEADER[:4])
    before = h.audit_verify().count
    with pytest.raises(MappingError) as info:
        run(h, staff, path, mapping)
    assert info.value.problems[0].field == "columns.年収" and "c.csv" in str(info.value)
    assert h.audit_verify().count == before and counts(h)["subjects"] == 0


# --- encodings and delimiters ------------------------------------------------------------------------------

def test_a_cp932_file_is_read(h, staff, tmp_path):
    rows = [["K-1", "髙橋 ①郎", "大阪府大阪市北区梅田１丁目", "06-6345-1234", "5500000"],
            ["K-2", "㈱ほご 代表 斎藤", "北海道札幌市", "011-222-3333", "4000000"]]
    path = write_csv(tmp_path / "sjis.csv", rows, encoding="cp932")
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(MAPPING_YAML + "encoding: shift_jis\n", encoding="utf-8")
    report = run(h, staff, path, mapping_path)
    assert report.subjects == 2 and not report.rejected
    values = h.access.read(staff["screening"], subject_id(h, "K-1"), ["name", "address"],
                           purpose_id="credit_screening").values
    assert values == {"name": "髙橋 ①郎", "address": "大阪府大阪市北区梅田１丁目"}


def test_a_cp932_file_read_as_utf8_is_a_clear_error(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "sjis.csv", [person(1)], encoding="cp932")
    with pytest.raises(MappingError) as info:
        run(h, staff, path, mapping)
    assert info.value.problems[0].field == "encoding" and "cp932" in str(info.value)
    assert counts(h)["subjects"] == 0


def test_a_utf8_bom_and_tab_delimiter(h, staff, tmp_path):
    path = write_csv(tmp_path / "c.tsv", [person(1), person(2)], encoding="utf-8-sig", delimiter="\t")
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(MAPPING_YAML + "delimiter: tab\n", encoding="utf-8")
    assert run(h, staff, path, mapping_path).subjects == 2


# --- failures mid-import -----------------------------------------------------------------------------------

def test_a_crash_in_chunk_two_keeps_chunk_one_and_the_chain(h, staff, mapping, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(250)])
    real_append = audit.append
    calls = {"n": 0}

    def failing_append(session, **kw):
        calls["n"] += 1
        if calls["n"] == 2:  # after chunk 2's subjects, keys and records were inserted
            raise RuntimeError("disk full")
        return real_append(session, **kw)

    monkeypatch.setattr(importer.audit, "append", failing_append)
    with pytest.raises(ImportAborted) as info:
        run(h, staff, path, mapping, chunk=100)
    assert info.value.chunk == 2 and info.value.report.subjects == 100
    assert isinstance(info.value.__cause__, RuntimeError)
    assert counts(h) == {"subjects": 100, "records": 400, "data_keys": 100}
    assert subject_id(h, "C-00099") and subject_id(h, "C-00100") is None
    assert len(import_entries(h)) == 1
    assert h.audit_verify().ok

    monkeypatch.setattr(importer.audit, "append", real_append)
    resumed = run(h, staff, path, mapping, chunk=100)  # re-running resumes where it stopped
    assert resumed.subjects == 150 and resumed.rejected_rows == 100
    assert counts(h)["subjects"] == 250 and h.audit_verify().ok


def test_core_executemany_path_matches_copy(h, staff, mapping, tmp_path):
    path = write_csv(tmp_path / "c.csv", [person(i) for i in range(40)])
    run(h, staff, path, mapping, use_copy=False, chunk=15)
    values = h.access.read(staff["screening"], subject_id(h, "C-00031"), ["phone"], purpose_id="credit_screening")
    assert values.values == {"phone": person(31)[3]}
