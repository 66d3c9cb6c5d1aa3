"""The Anonymizer service: creation records field by field, publication, provision, atomicity, inputs."""

import datetime as dt
import hashlib
import json
import textwrap

import polars as pl
import pytest
from _support import MINIMAL
from sqlalchemy import select

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.anonymize.cli import synthetic_customers
from hogo.anonymize.models import ProcessedDataset, ProcessedProvision
from hogo.anonymize.service import Anonymizer, read_input, read_marking
from hogo.anonymize.spec import parse_spec
from hogo.anonymize.standards import StandardsError
from hogo.db import make_engine, session_factory
from hogo.policy.loader import load
from hogo.policy.models import ProcessedInformation

SPEC = textwrap.dedent("""\
    kind: anonymize
    dataset: loan_customers
    items: [年齢, 性別, 住所（都道府県）, 返済状況]
    columns:
      direct_identifiers: [name, phone, email]
      identification_codes: [my_number]
      linkage_ids: [customer_id]
      quasi_identifiers:
        age: {builtin: age_bands, widths: [10, 20]}
        sex: {builtin: suppress}
        address: {builtin: japanese_address, levels: [prefecture]}
      sensitive: [loan_status]
      financial_harm: [card_number]
      drop: [income, occupation]
    peculiar:
      - {column: age, top_code: 90}
    privacy: {k: 3, l: 2, suppression_limit: 0.1}
    """)


@pytest.fixture(scope="module")
def data():
    return synthetic_customers(300, seed=21)


def _anonymizer(db_url, *, published: bool):
    policy = load(MINIMAL).policy
    if published:
        policy = policy.model_copy(update={"anonymized": ProcessedInformation(
            produces=True, items=["年齢", "性別", "住所（都道府県）", "返済状況", "職業"],
            provision_method="暗号化ファイルの送付")})
    engine = make_engine(db_url)
    return Anonymizer(policy, session_factory(engine)), engine


@pytest.fixture
def anon(db_url):
    a, engine = _anonymizer(db_url, published=False)
    yield a
    engine.dispose()


def test_creation_record_field_by_field(tmp_path, data, anon):
    before = dt.datetime.now(dt.UTC)
    created = anon.anonymize(parse_spec(SPEC), data, tmp_path / "a.parquet", actor_id="officer-1")
    row = anon.get(created.record_id)
    assert row.dataset == "loan_customers" and row.kind == "anonymized" and row.actor_id == "officer-1"
    assert before <= row.created_at <= dt.datetime.now(dt.UTC)
    assert row.items == ["年齢", "性別", "住所（都道府県）", "返済状況"]
    assert row.columns == ["customer_id", "address", "age", "sex", "loan_status"]
    assert row.spec_sha256 == hashlib.sha256(SPEC.encode()).hexdigest()
    assert row.output_sha256 == hashlib.sha256((tmp_path / "a.parquet").read_bytes()).hexdigest()
    assert row.output_name == "a.parquet" and row.key_id is None
    assert (row.rows_in, row.rows_out) == (300, 300)
    assert row.reasons == [f"APPI-RULES-34-{i}" for i in range(1, 6)]
    assert set(row.method) == {"S1", "S2", "S3", "S4", "S5"}
    assert row.method["S2"] == {"code": "APPI-RULES-34-2",
                                "actions": [{"column": "my_number", "action": "deleted", "count": 300, "detail": ""}]}
    assert row.privacy["model"]["k"] == 3 and row.privacy["achieved"]["k"] >= 3
    # the program does not publish these items: the duty is open, nothing is published yet
    assert row.items_published is False and row.published_on is None and row.method_published_on is None
    assert {o.duty: o.met for o in created.obligations}["publish_items"] is False
    with anon.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "anonymize.create")).one()
    assert entry.allowed and entry.actor_id == "officer-1"
    assert list(entry.reasons) == [*row.reasons, "APPI-43-1"]
    assert entry.detail["dataset_record"] == row.id and entry.detail["output_sha256"] == row.output_sha256
    # the file is marked, the manifest repeats the report, neither holds a value
    marking = read_marking(created.output)
    assert marking["hogo.kind"] == "anonymized" and "匿名加工情報" in marking["hogo.statement"]
    report = json.loads(marking["hogo.report"])
    assert [e["id"] for e in report["standards"]] == ["S1", "S2", "S3", "S4", "S5"]
    manifest = created.manifest.read_text(encoding="utf-8")
    for column in ("name", "my_number", "card_number", "customer_id"):
        assert not any(v in manifest for v in data[column].to_list())


def test_publish_then_provide_with_statement(tmp_path, data, anon):
    created = anon.anonymize(parse_spec(SPEC), data, tmp_path / "a.parquet")
    refused = anon.provide(created.record_id, recipient="lab", statement_given=True)
    assert not refused.decision.allowed and refused.decision.note == "missing: items, method"
    row = anon.publish(created.record_id, on=dt.date(2026, 11, 30), method=True, actor_id="officer")
    assert row.published_on == dt.date(2026, 11, 30) and row.method_published_on == dt.date(2026, 11, 30)
    assert {o.duty: o.met for o in anon.obligations(created.record_id)}["publish_items"] is True
    no_statement = anon.provide(created.record_id, recipient="lab")
    assert not no_statement.decision.allowed and no_statement.decision.requirement == "state_to_recipient"
    ok = anon.provide(created.record_id, recipient="lab", statement_given=True, statement_method="email",
                      method="SFTP")
    assert ok.decision.allowed and ok.decision.reasons == ("APPI-43-4", "APPI-RULES-37")
    with anon.sessions() as s:
        [rec] = list(s.scalars(select(ProcessedProvision)))
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert (rec.id, rec.recipient, rec.statement_given, rec.statement_method, rec.method) == (
        ok.provision_id, "lab", True, "email", "SFTP")
    assert rec.items == ["年齢", "性別", "住所（都道府県）", "返済状況"]
    assert rec.reasons == ["APPI-43-4", "APPI-RULES-37"]
    assert actions[-5:] == ["anonymize.create", "anonymize.provide", "anonymize.publish", "anonymize.provide",
                            "anonymize.provide"]


def test_items_published_by_the_program(tmp_path, data, db_url):
    anon, engine = _anonymizer(db_url, published=True)
    try:
        created = anon.anonymize(parse_spec(SPEC), data, tmp_path / "a.parquet")
        row = anon.get(created.record_id)
        # the publication day is Japan's date of the creation instant (stored in UTC)
        assert row.items_published and row.published_on == clock.day_of(row.created_at)
        # the program publishes the provision method too: only the statement is still needed
        out = anon.provide(created.record_id, recipient="lab", statement_given=True)
        assert out.decision.allowed
    finally:
        engine.dispose()


def test_failed_record_leaves_no_file_and_no_row(tmp_path, data, anon, monkeypatch):
    import hogo.anonymize.service as service

    def boom(*a, **k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service.audit, "append", boom)
    with pytest.raises(RuntimeError):
        anon.anonymize(parse_spec(SPEC), data, tmp_path / "a.parquet")
    assert not (tmp_path / "a.parquet").exists() and not (tmp_path / "a.parquet.hogo.json").exists()
    with anon.sessions() as s:
        assert s.scalars(select(ProcessedDataset)).all() == []


def test_standards_error_writes_nothing(tmp_path, data, anon):
    spec = parse_spec(SPEC.replace("identification_codes: [my_number]", "identification_codes: []").replace(
        "drop: [income, occupation]", "drop: [income, occupation, my_number]").replace(
        "sensitive: [loan_status]", "sensitive: [loan_status]\n  attributes: []"))
    frame = data.with_columns(pl.col("my_number").alias("loan_status"))
    with pytest.raises(StandardsError) as exc:
        anon.anonymize(spec, frame, tmp_path / "out" / "a.parquet")
    assert exc.value.rule == "APPI-RULES-34-2" and exc.value.field == "columns.loan_status"
    assert not (tmp_path / "out").exists() and anon.datasets() == []


def test_inputs_csv_semicolon_parquet_and_sql(tmp_path, data):
    adult_like = tmp_path / "a.csv"
    adult_like.write_text("sex;age;race\nMale;39;White\nFemale;50;Black\n", encoding="utf-8")
    assert read_input(adult_like).columns == ["sex", "age", "race"]
    data.write_parquet(tmp_path / "d.parquet")
    assert read_input(tmp_path / "d.parquet").equals(data)
    url = f"sqlite:///{tmp_path / 'src.db'}"
    eng = make_engine(url)
    from sqlalchemy import text
    with eng.begin() as conn:
        conn.execute(text('CREATE TABLE "customers" (id TEXT, age INTEGER, "full name" TEXT)'))
        conn.execute(text('INSERT INTO customers VALUES (:i, :a, :n)'),
                     [{"i": f"c{i}", "a": 20 + i, "n": f"n{i}"} for i in range(5)])
    eng.dispose()
    frame = read_input(url, table="customers")
    assert frame.columns == ["id", "age", "full name"] and frame["age"].to_list() == [20, 21, 22, 23, 24]
    with pytest.raises(StandardsError) as exc:
        read_input(url, table="customers; DROP TABLE customers")
    assert exc.value.field == "table"
    with pytest.raises(StandardsError):
        read_input(url)
    with pytest.raises(StandardsError) as exc:
        read_input(tmp_path / "missing.csv")
    assert exc.value.field == "input"


def test_shift_jis_and_bom_csv(tmp_path):
    (tmp_path / "sjis.csv").write_bytes("氏名,年齢\n山田太郎,40\n".encode("cp932"))
    frame = read_input(tmp_path / "sjis.csv")
    assert frame.columns == ["氏名", "年齢"] and frame["氏名"].to_list() == ["山田太郎"]
    (tmp_path / "bom.csv").write_bytes("\ufeff氏名,年齢\n鈴木,3\n".encode())
    assert read_input(tmp_path / "bom.csv").columns == ["氏名", "年齢"]
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81\x00")
    with pytest.raises(StandardsError) as exc:
        read_input(tmp_path / "bin.csv")
    assert exc.value.rule == "encoding"


def test_bad_actor_refused_before_anything_is_written(tmp_path, data, anon):
    with pytest.raises(StandardsError) as exc:
        anon.anonymize(parse_spec(SPEC), data, tmp_path / "out" / "a.parquet", actor_id="x" * 37)
    assert exc.value.field == "actor_id" and not (tmp_path / "out").exists()
