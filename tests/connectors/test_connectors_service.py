"""External SQL connectors: the schema's checks, collecting a person's rows with their source, erasure.

The external database is a real one of each kind: an SQLite file, and a private schema on the PostgreSQL
server (named in the connector's ``schema:``), so the statements run against both dialects.
"""

from __future__ import annotations

import os
import uuid

import pytest
import yaml
from _support import MINIMAL
from sqlalchemy import text

from hogo.connectors.service import ConnectorError, Connectors, expand_url
from hogo.db import make_engine
from hogo.policy.loader import PolicyError, parse
from hogo.policy.models import Policy

PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _program(url: str, schema: str | None, **table_extra) -> Policy:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    customers = {"table": "customers", "subject_key": "customer_no", "key_item": "external_ref",
                 "columns": {"full_name": "name", "tel": "phone", "annual_income": "income"}, **table_extra}
    contacts = {"table": "contact_log", "subject_key": "tel", "key_item": "phone",
                "columns": {"tel": "phone", "memo_name": "name"}, "on_erasure": "delete_row"}
    if schema:
        customers["schema"] = contacts["schema"] = schema
    data["connectors"] = [{"id": "core_banking", "name": "基幹システム", "url": url,
                           "tables": [customers, contacts]}]
    return Policy.model_validate(data)


@pytest.fixture(params=["sqlite", "postgresql"])
def external(request, tmp_path):
    """(url with ${EXT_DB} placeholder, env, schema or None, engine) of a filled external database."""
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'ext.db'}", None
    else:
        url, schema = PG_URL, f"x_{uuid.uuid4().hex[:12]}"
    engine = make_engine(url)
    q = f'"{schema}".' if schema else ""
    with engine.begin() as db:
        if schema:
            db.execute(text(f'CREATE SCHEMA "{schema}"'))
        db.execute(text(f"CREATE TABLE {q}customers (customer_no VARCHAR(20) PRIMARY KEY, full_name VARCHAR(100), "
                        "tel VARCHAR(20), annual_income VARCHAR(20), branch VARCHAR(20))"))
        db.execute(text(f"CREATE TABLE {q}contact_log (id INTEGER PRIMARY KEY, tel VARCHAR(20), memo_name VARCHAR(100))"))
        db.execute(text(f"INSERT INTO {q}customers VALUES ('C-001', '山田 太郎', '090-1234-5678', '6000000', '新宿'),"
                        "('C-002', '佐藤 花子', '080-0000-1111', '4000000', '渋谷')"))
        db.execute(text(f"INSERT INTO {q}contact_log VALUES (1, '090-1234-5678', 'ヤマダ'), (2, '090-1234-5678', '山田'),"
                        "(3, '080-0000-1111', 'サトウ')"))
    yield "${EXT_DB}", {"EXT_DB": url}, schema, engine, q
    if schema:
        with engine.begin() as db:
            db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


KEYS = {"external_ref": "C-001", "phone": "090-1234-5678"}


def test_collect_returns_the_persons_rows_with_their_source(external):
    url, env, schema, _, _ = external
    conns = Connectors(_program(url, schema), env=env)
    try:
        found = conns.collect(KEYS)
    finally:
        conns.close()
    assert [(r.connector_id, r.table) for r in found] == [
        ("core_banking", f"{schema}.customers" if schema else "customers"),
        ("core_banking", f"{schema}.contact_log" if schema else "contact_log"),
    ]
    customers, contacts = found
    assert customers.connector_name == "基幹システム" and customers.key_item == "external_ref"
    assert customers.columns == {"full_name": "name", "tel": "phone", "annual_income": "income"}
    assert customers.rows == [{"full_name": "山田 太郎", "tel": "090-1234-5678", "annual_income": "6000000"}]
    assert "branch" not in customers.rows[0]  # undeclared columns are not personal data of the package
    assert sorted(r["memo_name"] for r in contacts.rows) == ["ヤマダ", "山田"]
    assert customers.source == f"core_banking:{customers.table}"


def test_collect_without_a_key_reads_nothing_and_binds_values(external):
    url, env, schema, _, _ = external
    conns = Connectors(_program(url, schema), env=env)
    try:
        none = conns.collect({"external_ref": None})
        injected = conns.collect({"external_ref": "C-001' OR '1'='1", "phone": "x' OR 1=1 --"})
    finally:
        conns.close()
    assert [r.rows for r in none] == [[], []]
    assert [r.rows for r in injected] == [[], []]  # bound parameters: the quote is data, not SQL


def test_erase_deletes_rows_and_nulls_columns_in_one_transaction_each(external):
    url, env, schema, engine, q = external
    conns = Connectors(_program(url, schema, on_erasure="null_columns", keep_columns=["annual_income"]), env=env)
    try:
        counts = conns.erase(KEYS)
    finally:
        conns.close()
    by_table = {c.table.split(".")[-1]: c for c in counts}
    assert by_table["customers"].action == "null_columns" and by_table["customers"].rows == 1
    assert set(by_table["customers"].nulled_columns) == {"full_name", "tel"}
    assert "annual_income" in by_table["customers"].kept_columns
    assert by_table["contact_log"].action == "delete_row" and by_table["contact_log"].rows == 2
    with engine.connect() as db:
        row = db.execute(text(f"SELECT full_name, tel, annual_income, branch FROM {q}customers "
                              "WHERE customer_no = 'C-001'")).one()
        assert tuple(row) == (None, None, "6000000", "新宿")
        other = db.execute(text(f"SELECT full_name FROM {q}customers WHERE customer_no = 'C-002'")).scalar()
        assert other == "佐藤 花子"  # another person is untouched
        assert db.execute(text(f"SELECT count(*) FROM {q}contact_log")).scalar() == 1


def test_erase_keeps_items_under_retention_by_nulling_the_rest(external):
    url, env, schema, engine, q = external
    conns = Connectors(_program(url, schema), env=env)
    name = f"{schema}.customers" if schema else "customers"
    try:
        counts = conns.erase({"external_ref": "C-001"}, keep={f"core_banking:{name}": {"income"}})
    finally:
        conns.close()
    assert [(c.action, c.rows, c.nulled_columns) for c in counts] == [("null_columns", 1, ("full_name", "tel"))]
    with engine.connect() as db:
        assert tuple(db.execute(text(f"SELECT full_name, tel, annual_income FROM {q}customers "
                                     "WHERE customer_no = 'C-001'")).one()) == (None, None, "6000000")
        assert db.execute(text(f"SELECT count(*) FROM {q}contact_log")).scalar() == 3  # no phone key given


def test_a_failed_erasure_changes_nothing_and_does_not_echo_values(external):
    url, env, schema, engine, q = external
    data = _program(url, schema).model_dump(by_alias=True)
    data["connectors"][0]["tables"][1]["columns"] = {"tel": "phone", "no_such_column": "name"}
    data["connectors"][0]["tables"][1]["on_erasure"] = "null_columns"
    data["connectors"][0]["tables"][1]["subject_key"] = "id"
    data["connectors"][0]["tables"][1]["key_item"] = "external_ref"
    conns = Connectors(Policy.model_validate(data), env=env)
    try:
        with pytest.raises(ConnectorError) as info:
            conns.erase({"external_ref": "C-001"})
    finally:
        conns.close()
    assert info.value.rule == "CONN-ERASE" and "C-001" not in str(info.value)
    with engine.connect() as db:  # the customers delete of the same connector was rolled back
        assert db.execute(text(f"SELECT count(*) FROM {q}customers")).scalar() == 2


def test_url_placeholders_come_from_the_environment_and_a_missing_one_is_named():
    assert expand_url("postgresql://app:${PW}@db/x", {"PW": "s3cret"}) == "postgresql://app:s3cret@db/x"
    with pytest.raises(ConnectorError) as info:
        expand_url("postgresql://app:${PW}@db/x", {}, where="connectors[0].url")
    assert info.value.field == "connectors[0].url" and "PW" in str(info.value)
    conns = Connectors(_program("${NOPE}", None), env={})
    with pytest.raises(ConnectorError, match="NOPE"):
        conns.collect(KEYS)


BAD = [
    ("unknown item", {"columns": {"full_name": "nmae"}}, "connectors", "connectors[0].tables[0].columns.full_name"),
    ("unknown key item", {"key_item": "customer_no"}, "connectors", "connectors[0].tables[0].key_item"),
    ("keep undeclared column", {"keep_columns": ["branch"]}, "connectors[0].tables[0]", "keep_columns"),
    ("sql injection in a name", {"table": "customers; drop table x"}, "connectors[0].tables[0].table", "pattern"),
    ("bad erasure mode", {"on_erasure": "truncate"}, "connectors[0].tables[0].on_erasure", "delete_row"),
    ("password in the file", {"url": "postgresql://app:hunter2@db/crm"}, "connectors[0].url", "${ENV_VAR}"),
]


@pytest.mark.parametrize(("case", "change", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_connectors_are_refused_naming_the_field(case, change, field, words):
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    tab = {"table": "customers", "subject_key": "customer_no", "key_item": "external_ref",
           "columns": {"full_name": "name"}, **change}
    url = tab.pop("url", "sqlite://")
    data["connectors"] = [{"id": "core", "name": "基幹", "url": url, "tables": [tab]}]
    with pytest.raises(PolicyError) as info:
        parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "hogo.yaml")
    match = [p for p in info.value.problems if p.field == field]
    assert match and words in match[0].message, info.value.problems
    assert match[0].line > 1 and "hunter2" not in str(info.value)


def test_a_program_without_connectors_still_loads_and_has_none():
    from hogo.policy.loader import load

    assert load(MINIMAL).policy.connectors == []
    assert Connectors(load(MINIMAL).policy).collect(KEYS) == []


def test_a_failed_read_names_the_connector_not_the_value(external):
    url, env, schema, _, _ = external
    data = _program(url, schema).model_dump(by_alias=True)
    data["connectors"][0]["tables"][0]["table"] = "no_such_table"
    conns = Connectors(Policy.model_validate(data), env=env)
    try:
        with pytest.raises(ConnectorError) as info:
            conns.collect(KEYS)
    finally:
        conns.close()
    assert info.value.field == "connectors.core_banking" and info.value.rule == "CONN-READ"
    assert "C-001" not in str(info.value) and "1234" not in str(info.value)


def test_a_password_placeholder_is_accepted():
    data = _program("postgresql://app:${CRM_PW}@db.internal/crm", None).model_dump(by_alias=True)
    assert Policy.model_validate(data).connectors[0].url == "postgresql://app:${CRM_PW}@db.internal/crm"
