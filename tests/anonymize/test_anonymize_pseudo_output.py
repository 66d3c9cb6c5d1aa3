"""Pseudonymization (Rules 31): keyed tokens, deletions, the key kept apart, and no original value in the bytes."""

import hashlib
import hmac
import json
import os
import stat
import textwrap

import polars as pl
import pytest
from _support import MINIMAL

from hogo.anonymize.cli import synthetic_customers
from hogo.anonymize.pseudonymize import load_or_create_key, pseudonymize_frame, token_series
from hogo.anonymize.service import Anonymizer, read_marking
from hogo.anonymize.spec import parse_spec
from hogo.anonymize.standards import StandardsError
from hogo.db import make_engine, session_factory
from hogo.policy.loader import load

SPEC = textwrap.dedent("""\
    kind: pseudonymize
    dataset: loan_analysis
    items: [年齢, 性別, 職業, 所得, 返済状況]
    purposes: [与信モデルの開発]
    columns:
      direct_identifiers:
        - {column: name, action: token}
        - {column: phone, action: delete}
        - {column: email, action: delete}
        - {column: address, action: delete}
      identification_codes: [my_number]
      linkage_ids: [customer_id]
      attributes: [age, sex, occupation, income, loan_status]
      financial_harm: [card_number]
    output: {compression: uncompressed}
    """)

SECRET_COLUMNS = ["name", "customer_id", "my_number", "card_number", "phone", "email", "address"]


@pytest.fixture(scope="module")
def data():
    return synthetic_customers(400, seed=11)


@pytest.fixture
def anonymizer(db_url):
    engine = make_engine(db_url)
    yield Anonymizer(load(MINIMAL).policy, session_factory(engine))
    engine.dispose()


def _present(blob: bytes, values) -> list[str]:
    return [v for v in values if v and v.encode("utf-8") in blob]


def test_byte_search_finds_no_original_identifier_or_card_number(tmp_path, data, anonymizer):
    created = anonymizer.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                      key_file=tmp_path / "keys" / "p.key", actor_id="officer")
    blob = created.output.read_bytes()
    manifest = created.manifest.read_bytes()
    # positive control: the same writer, same settings, on the input does expose the values
    control = tmp_path / "control.parquet"
    data.write_parquet(control, compression="uncompressed")
    control_blob = control.read_bytes()
    for column in SECRET_COLUMNS:
        values = data[column].cast(pl.String).unique().to_list()
        assert _present(control_blob, values[:20]), column  # the search would see them
        assert _present(blob, values) == [], column
        assert _present(manifest, values) == [], column
    # and the decoded file holds none either
    out = pl.read_parquet(created.output)
    assert set(out.columns) == {"name", "customer_id", "age", "sex", "occupation", "income", "loan_status"}
    assert not out["name"].is_in(data["name"].implode()).any()
    assert not out["customer_id"].is_in(data["customer_id"].implode()).any()
    # the key never enters the output or the manifest
    body = json.loads((tmp_path / "keys" / "p.key").read_text())
    secret = __import__("base64").urlsafe_b64decode(body["key"])
    for blob_ in (blob, manifest):
        assert secret not in blob_ and body["key"].encode() not in blob_ and secret.hex().encode() not in blob_
    assert created.key_id == body["key_id"]


def test_tokens_are_keyed_consistent_and_reproducible_with_the_key(tmp_path, data):
    key = load_or_create_key(tmp_path / "k" / "key.json")
    out, report, _ = pseudonymize_frame(data, parse_spec(SPEC), key)
    # same name → same token (useful inside the company), a token is the HMAC under the key
    first = data["name"][0]
    expected = "t_" + hmac.digest(key.secret, b"name\x1f" + first.encode(), "sha256")[:16].hex()
    assert out["name"][0] == expected
    same = [i for i, v in enumerate(data["name"].to_list()) if v == first]
    assert len({out["name"][i] for i in same}) == 1
    # another key gives other tokens; the same key (re-read from its file) the same ones
    other = load_or_create_key(tmp_path / "k2" / "key.json")
    assert token_series(data["name"], other, "name")[0][0] != expected
    again = load_or_create_key(tmp_path / "k" / "key.json", create=False)
    assert token_series(data["name"], again, "name")[0][0] == expected
    assert repr(key) == f"PseudonymKey(key_id={key.key_id!r})"
    mode = stat.S_IMODE(os.stat(tmp_path / "k" / "key.json").st_mode)
    assert mode == 0o600


def test_report_entries_per_rules_31(tmp_path, data):
    key = load_or_create_key(tmp_path / "k" / "key.json")
    out, report, mapping = pseudonymize_frame(data, parse_spec(SPEC), key)
    assert mapping is None
    assert [(e.id, e.code) for e in report.standards] == [("P1", "APPI-RULES-31-1"), ("P2", "APPI-RULES-31-2"),
                                                          ("P3", "APPI-RULES-31-3")]
    p1 = {(a.column, a.action) for a in report.entry("P1").actions}
    assert p1 == {("name", "replaced_keyed_token"), ("customer_id", "replaced_keyed_token"), ("phone", "deleted"),
                  ("email", "deleted"), ("address", "deleted")}
    assert [(a.column, a.action, a.count) for a in report.entry("P2").actions] == [("my_number", "deleted", 400)]
    assert [(a.column, a.action, a.count) for a in report.entry("P3").actions] == [("card_number", "deleted", 400)]
    assert report.kind == "pseudonymized" and report.rows_out == 400


def test_card_numbers_in_a_kept_column_are_refused(tmp_path, data):
    spec = parse_spec(SPEC.replace("financial_harm: [card_number]", "financial_harm: []").replace(
        "attributes: [age,", "attributes: [card_number, age,"))
    key = load_or_create_key(tmp_path / "k" / "key.json")
    with pytest.raises(StandardsError) as exc:
        pseudonymize_frame(data, spec, key)
    assert exc.value.rule == "APPI-RULES-31-3" and exc.value.field == "columns.card_number"
    assert not any(v in str(exc.value) for v in data["card_number"].to_list())


def test_my_number_in_a_kept_column_is_refused(tmp_path, data):
    spec = parse_spec(SPEC.replace("identification_codes: [my_number]", "identification_codes: []").replace(
        "attributes: [age,", "attributes: [my_number, age,"))
    with pytest.raises(StandardsError) as exc:
        pseudonymize_frame(data, spec, load_or_create_key(tmp_path / "k" / "key.json"))
    assert exc.value.rule == "APPI-RULES-31-2" and "my_number" in exc.value.message


def test_key_and_mapping_must_be_kept_apart(tmp_path, data, anonymizer):
    out = tmp_path / "out" / "p.parquet"
    for key_file in (tmp_path / "out" / "p.key", tmp_path / "out" / "sub" / "p.key"):
        with pytest.raises(StandardsError) as exc:
            anonymizer.pseudonymize(parse_spec(SPEC), data, out, key_file=key_file)
        assert exc.value.rule == "APPI-RULES-32" and exc.value.field == "key_file"
        assert not key_file.exists() and not out.exists()
    with pytest.raises(StandardsError) as exc:
        anonymizer.pseudonymize(parse_spec(SPEC), data, out, key_file=tmp_path / "keys" / "k",
                                mapping_out=tmp_path / "out" / "map.parquet")
    assert exc.value.field == "mapping_out"
    assert anonymizer.datasets() == []


def test_mapping_table_written_apart_when_asked(tmp_path, data, anonymizer):
    created = anonymizer.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                      key_file=tmp_path / "keys" / "p.key",
                                      mapping_out=tmp_path / "vault" / "map.parquet")
    mapping = pl.read_parquet(created.mapping)
    out = pl.read_parquet(created.output)
    assert set(mapping["column"]) == {"name", "customer_id"}
    joined = out.select("customer_id").join(mapping.filter(pl.col("column") == "customer_id"),
                                            left_on="customer_id", right_on="token")
    assert sorted(joined["original"].to_list()) == sorted(data["customer_id"].to_list())
    assert stat.S_IMODE(os.stat(created.mapping).st_mode) == 0o600


def test_output_is_marked_and_recorded(tmp_path, data, anonymizer):
    created = anonymizer.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                      key_file=tmp_path / "keys" / "p.key", actor_id="officer")
    marking = read_marking(created.output)
    assert marking["hogo.kind"] == "pseudonymized" and marking["hogo.dataset"] == "loan_analysis"
    assert "仮名加工情報" in marking["hogo.statement"] and marking["hogo.key_id"] == created.key_id
    manifest = json.loads(created.manifest.read_text())
    assert manifest["kind"] == "pseudonymized"
    assert manifest["output_sha256"] == hashlib.sha256(created.output.read_bytes()).hexdigest()
    row = anonymizer.get(created.record_id)
    assert (row.kind, row.dataset, row.rows_in, row.rows_out) == ("pseudonymized", "loan_analysis", 400, 400)
    assert row.output_sha256 == created.output_sha256 and row.key_id == created.key_id
    assert row.reasons == ["APPI-RULES-31-1", "APPI-RULES-31-2", "APPI-RULES-31-3"]
    assert row.purposes == ["与信モデルの開発"] and row.output_name == "p.parquet"
    assert row.method["P3"]["actions"] == [{"column": "card_number", "action": "deleted", "count": 400,
                                            "detail": "property damage if misused"}]
    assert anonymizer.find_by_file(created.output).id == created.record_id


@pytest.mark.parametrize("basis,allowed,codes", [
    ("consent", False, ("APPI-41-6", "APPI-42-1")),
    ("opt_out", False, ("APPI-41-6", "APPI-42-1")),
    (None, False, ("APPI-41-6", "APPI-42-1")),
    ("outsourcing", True, ("APPI-41-6", "APPI-27-5-1")),
])
def test_provision_of_pseudonymized_data_refused(tmp_path, data, anonymizer, basis, allowed, codes):
    from sqlalchemy import select

    from hogo.access.models import AuditEntry
    from hogo.anonymize.models import ProcessedProvision

    created = anonymizer.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                      key_file=tmp_path / "keys" / "p.key")
    outcome = anonymizer.provide_file(created.output, recipient="partner_co", basis=basis, statement_given=True)
    assert outcome.decision.allowed is allowed and outcome.decision.reasons == codes
    with anonymizer.sessions() as s:
        records = list(s.scalars(select(ProcessedProvision)))
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last.action == "anonymize.provide" and last.allowed is allowed and list(last.reasons) == list(codes)
    if allowed:
        [rec] = records
        assert (rec.id, rec.dataset_id, rec.recipient, rec.basis) == (outcome.provision_id, created.record_id,
                                                                      "partner_co", "outsourcing")
    else:
        assert records == [] and outcome.provision_id is None


def test_unrecorded_pseudonymized_file_still_refused(tmp_path, data, anonymizer):
    created = anonymizer.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                      key_file=tmp_path / "keys" / "p.key")
    copy = tmp_path / "elsewhere.parquet"
    df = pl.read_parquet(created.output)
    df.write_parquet(copy, metadata=dict(read_marking(created.output)))
    outcome = anonymizer.provide_file(copy, recipient="x", basis="consent")
    assert not outcome.decision.allowed and "APPI-41-6" in outcome.decision.reasons


@pytest.mark.parametrize("policy_purposes,expected", [([], False), (["与信モデルの開発"], True),
                                                      (["別の目的"], False)])
def test_purposes_published_obligation(tmp_path, data, db_url, policy_purposes, expected):
    from hogo.policy.models import ProcessedInformation

    policy = load(MINIMAL).policy.model_copy(update={"pseudonymized": ProcessedInformation(
        produces=True, purposes=policy_purposes)})
    engine = make_engine(db_url)
    try:
        anon = Anonymizer(policy, session_factory(engine))
        created = anon.pseudonymize(parse_spec(SPEC), data, tmp_path / "out" / "p.parquet",
                                    key_file=tmp_path / "keys" / "p.key")
        met = {o.duty: o.met for o in created.obligations}
        assert met["publish_purposes"] is expected and met["secure_deletion_info"] is True
        assert {o.duty: o.met for o in anon.obligations(created.record_id)}["publish_purposes"] is expected
    finally:
        engine.dispose()
