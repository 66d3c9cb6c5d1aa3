"""Processed data sets straight from the vault (SQLite and PostgreSQL): the frame holds exactly what was written,
left-out people are counted in the creation record, My Number and a role without the purpose are refused with
nothing written, the output holds no original identifier (byte search), and the CLI runs end to end."""

from __future__ import annotations

import json
import textwrap

import polars as pl
import pytest
from _support import MINIMAL
from rich.console import Console
from sqlalchemy import func, select
from typer.testing import CliRunner

from hogo.access.importer import import_rows, load_mapping
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.anonymize.models import ProcessedDataset
from hogo.anonymize.service import VAULT_KEY_COLUMN, read_vault
from hogo.anonymize.spec import SpecError, parse_spec
from hogo.cli import app
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

runner = CliRunner()
PLACES = ["東京都千代田区丸の内", "東京都港区芝", "大阪府大阪市北区梅田", "大阪府堺市堺区", "神奈川県横浜市西区",
          "神奈川県川崎市中原区"]

ANON_SPEC = textwrap.dedent("""\
    kind: anonymize
    dataset: vault_customers
    items: [住所（都道府県）, 年収, 支払状況]
    columns:
      direct_identifiers: [name, phone]
      linkage_ids: [subject_id]
      quasi_identifiers:
        address: {builtin: japanese_address, levels: [municipality, prefecture]}
        income: {builtin: amount_ranges, edges: [0, 4000000, 8000000]}
      attributes: [payment_history]
    privacy: {k: 3, suppression_limit: 0.1}
    output: {compression: uncompressed}
    seed: 3
    """)

PSEUDO_SPEC = textwrap.dedent("""\
    kind: pseudonymize
    dataset: vault_analysis
    items: [年収, 支払状況]
    columns:
      direct_identifiers: [{column: name, action: token}, phone, address]
      linkage_ids: [{column: subject_id, action: token}]
      attributes: [income, payment_history]
    output: {compression: uncompressed}
    """)

MARKETING_SPEC = textwrap.dedent("""\
    kind: {kind}
    dataset: vault_marketing
    items: [住所（都道府県）]
    columns:
      direct_identifiers: [{name}]
      linkage_ids: [{{column: subject_id, action: {link}}}]
      {address_role}
    {privacy}output: {{compression: uncompressed}}
    """)


def _person(i: int) -> list[str]:
    return [f"C-{i:05d}", f"山田 太郎{i:03d}", f"{PLACES[i % len(PLACES)]}{i}-1-{i}", f"090-1234-{i:04d}",
            str(2_000_000 + 97_000 * i), ["完済", "返済中", "延滞"][i % 3]]


@pytest.fixture
def customers(h, staff, tmp_path):
    """60 customers imported for credit screening (with consent at the source); their values by external ref."""
    (tmp_path / "map.yaml").write_text(
        "subject_type: customer\nexternal_ref: ref\ncolumns:\n  name: name\n  address: address\n  phone: phone\n"
        "  income: income\n  payment_history: payment_history\n", encoding="utf-8")
    rows = [_person(i) for i in range(60)]
    header = ["ref", "name", "address", "phone", "income", "payment_history"]
    import_rows(h, header, rows, load_mapping(tmp_path / "map.yaml"), actor_id=staff["screening"],
                purpose_id="credit_screening", source="direct", consent_ref="application_consent")
    return pl.DataFrame(rows, schema=header, orient="row")


def _present(blob: bytes, values) -> list[str]:
    return [v for v in values if v and v.encode("utf-8") in blob]


def _count(h, model) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_frame_holds_exactly_what_was_written(h, staff, customers):
    frame, report = read_vault(h.access, parse_spec(ANON_SPEC), actor_id=staff["screening"], subject_type="customer",
                               purpose_id="credit_screening", chunk=25)
    assert frame.columns == [VAULT_KEY_COLUMN, "name", "phone", "address", "income", "payment_history"]
    assert frame.schema["income"] == pl.Int64  # number items arrive as numbers, so ranges apply
    assert (frame.height, report.subjects, report.chunks) == (60, 60, 3)
    got = frame.sort("name").select("name", "address", "phone", pl.col("income").cast(pl.String), "payment_history")
    want = customers.sort("name").select("name", "address", "phone", "income", "payment_history")
    assert got.equals(want)


def test_anonymize_from_vault_records_the_source_and_leaves_no_identifier_in_the_bytes(h, staff, customers, tmp_path):
    actor = staff["screening"]
    frame, _ = read_vault(h.access, parse_spec(ANON_SPEC), actor_id=actor, subject_type="customer",
                          purpose_id="credit_screening")
    ids = sorted(frame[VAULT_KEY_COLUMN].to_list())
    h.access.shred(actor, ids[0])
    h.access.suspend(actor, ids[1], "credit_screening")
    created = h.anonymizer.anonymize_from_vault(parse_spec(ANON_SPEC), h.access, tmp_path / "out" / "a.parquet",
                                                actor_id=actor, subject_type="customer",
                                                purpose_id="credit_screening")
    record = h.anonymizer.get(created.record_id)
    source = record.source
    assert (source["kind"], source["purpose"], source["subject_type"], source["subjects"]) == \
        ("vault", "credit_screening", "customer", 58)
    assert source["left_out"] == {"ACC-SHREDDED": 1, "ACC-SUSPENDED": 1}
    assert record.rows_in == 58
    manifest = json.loads(created.manifest.read_text(encoding="utf-8"))
    assert manifest["source"]["purpose"] == "credit_screening" and manifest["source"]["subjects"] == 58
    with h.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "anonymize.create")).one()
        extracts = s.scalars(select(AuditEntry).where(AuditEntry.seq.in_(source["audit_seqs"]))).all()
    assert (entry.detail["source"], entry.detail["source_purpose"], entry.detail["source_subjects"]) == \
        ("vault", "credit_screening", 58)
    assert [e.action for e in extracts] == ["extract"] and extracts[0].detail["left_out:ACC-SHREDDED"] == 1
    blob = created.output.read_bytes() + created.manifest.read_bytes()
    control = tmp_path / "control.parquet"  # positive control: the same writer on the input shows the values
    customers.write_parquet(control, compression="uncompressed")
    for column in ("name", "phone", "address"):
        values = customers[column].to_list()
        assert _present(control.read_bytes(), values[:10]), column
        assert _present(blob, values) == [], column
    assert _present(blob, ids) == []  # the vault's subject ids (linkage ids) were replaced
    out = pl.read_parquet(created.output)
    assert set(out.columns) == {VAULT_KEY_COLUMN, "address", "income", "payment_history"}


def test_pseudonymize_from_vault_tokens_the_key_and_records_the_source(h, staff, customers, tmp_path):
    created = h.anonymizer.pseudonymize_from_vault(
        parse_spec(PSEUDO_SPEC), h.access, tmp_path / "out" / "p.parquet", key_file=tmp_path / "keys" / "p.key",
        actor_id=staff["screening"], subject_type="customer", purpose_id="credit_screening")
    assert created.key_id and h.anonymizer.get(created.record_id).source["subjects"] == 60
    out = pl.read_parquet(created.output)
    assert set(out.columns) == {VAULT_KEY_COLUMN, "name", "income", "payment_history"}
    assert out[VAULT_KEY_COLUMN].n_unique() == 60  # a keyed token per person: still links within the set
    blob = created.output.read_bytes()
    for column in ("name", "phone", "address", "ref"):
        assert _present(blob, customers[column].to_list()) == [], column


def test_my_number_in_the_spec_is_refused_with_nothing_written(h, staff, tmp_path):
    hr = staff["hr"]
    emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
    h.access.write(hr, emp, {"name": "佐藤 花子", "my_number": "123456789018"}, purpose_id="withholding")
    spec = parse_spec(textwrap.dedent("""\
        kind: pseudonymize
        dataset: staff
        columns:
          direct_identifiers: [{column: name, action: token}]
          identification_codes: [my_number]
          linkage_ids: [subject_id]
        """))
    output = tmp_path / "out" / "s.parquet"
    with pytest.raises(AccessDenied) as info:
        h.anonymizer.pseudonymize_from_vault(spec, h.access, output, key_file=tmp_path / "k" / "p.key", actor_id=hr,
                                             subject_type="employee", purpose_id="withholding")
    assert info.value.withheld == {"my_number": ("MNA-9", "MNA-19")}
    assert not output.exists() and _count(h, ProcessedDataset) == 0
    with h.sessions() as s:
        entry = s.get(AuditEntry, info.value.audit_seq)
    assert (entry.action, entry.allowed, "my_number" in entry.items) == ("extract", False, True)


def test_a_role_without_the_purpose_is_refused_audited_and_writes_nothing(h, staff, customers, tmp_path):
    output = tmp_path / "out" / "a.parquet"
    before = _count(h, AuditEntry)
    with pytest.raises(AccessDenied) as info:
        h.anonymizer.anonymize_from_vault(parse_spec(ANON_SPEC), h.access, output, actor_id=staff["marketing"],
                                          subject_type="customer", purpose_id="credit_screening")
    assert info.value.reasons == ["ACC-ROLE-PURPOSE"]
    assert not output.exists() and not output.parent.exists()
    assert _count(h, ProcessedDataset) == 0 and _count(h, AuditEntry) == before + 1


@pytest.mark.parametrize(("edit", "field", "rule"), [
    (("linkage_ids: [subject_id]", "drop: [subject_id]"), "columns.linkage_ids", "Rules 34(3)"),
    (("attributes: [payment_history]", "attributes: [payment_history, shoe_size]"), "columns.attributes[1]",
     "columns name vault items"),
])
def test_the_spec_is_checked_against_the_vault_before_anything_is_read(h, staff, tmp_path, edit, field, rule):
    before = _count(h, AuditEntry)
    with pytest.raises(SpecError) as info:
        h.anonymizer.anonymize_from_vault(parse_spec(ANON_SPEC.replace(*edit)), h.access, tmp_path / "a.parquet",
                                          actor_id=staff["screening"], subject_type="customer",
                                          purpose_id="credit_screening")
    problem = info.value.problems[0]
    assert problem.field == field and rule in problem.message
    assert _count(h, AuditEntry) == before


@pytest.fixture
def shop(db_url, tmp_path, monkeypatch):
    """A company on disk for the CLI: program, master key file, a marketing actor and 30 customers."""
    import hogo.anonymize.cli as cli
    import hogo.cli_support as support

    for module in (cli, support):
        monkeypatch.setattr(module, "out", Console(width=300))
        monkeypatch.setattr(module, "err", Console(width=300, stderr=True))
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    key = tmp_path / "hogo.key"
    KeyRing.generate().save(key)
    hogo = open_hogo(MINIMAL, db_url, key_path=key)
    try:
        marketer = hogo.access.create_actor("marketer", "marketing_staff").id
        hogo.access.create_actor("screener", "screening_staff")
        names = []
        for i in range(30):
            sid = hogo.access.create_subject(marketer, "customer", purpose_id="marketing")
            hogo.access.write(marketer, sid, {"name": f"鈴木 次郎{i:03d}", "address": f"{PLACES[i % 6]}{i}-2"},
                              purpose_id="marketing")
            names.append(f"鈴木 次郎{i:03d}")
    finally:
        hogo.close()
    for kind, link, role, privacy in (("anonymize", "replace", "quasi_identifiers: {address: {builtin: "
                                       "japanese_address, levels: [municipality, prefecture]}}",
                                       "privacy: {k: 3}\n"),
                                      ("pseudonymize", "token", "attributes: [address]", "")):
        (tmp_path / f"{kind}.yaml").write_text(MARKETING_SPEC.format(kind=kind, name="name", link=link,
                                                                     address_role=role, privacy=privacy),
                                               encoding="utf-8")
    return {"dir": tmp_path, "names": names,
            "common": ["--policy", str(MINIMAL), "--database", db_url, "--subject-type", "customer",
                       "--purpose", "marketing"]}


def test_cli_from_vault_end_to_end(shop):
    d = shop["dir"]
    out = d / "out" / "a.parquet"
    r = runner.invoke(app, ["anonymize", str(d / "anonymize.yaml"), "--from-vault", "--actor", "marketer",
                            "--output", str(out), "--key-file", str(d / "hogo.key"), *shop["common"],
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    assert _present(out.read_bytes(), shop["names"]) == []
    manifest = json.loads((d / "out" / "a.parquet.hogo.json").read_text(encoding="utf-8"))
    assert (manifest["source"]["kind"], manifest["source"]["purpose"], manifest["source"]["subjects"]) == \
        ("vault", "marketing", 30)

    p_out = d / "out" / "p.parquet"
    r = runner.invoke(app, ["pseudonymize", str(d / "pseudonymize.yaml"), "--from-vault", "--actor", "marketer",
                            "--output", str(p_out), "--key-file", str(d / "keys" / "p.key"),
                            "--master-key-file", str(d / "hogo.key"), *shop["common"]])
    assert r.exit_code == 0, r.output
    assert pl.read_parquet(p_out).height == 30 and _present(p_out.read_bytes(), shop["names"]) == []


def test_cli_from_vault_refusals_and_usage_errors(shop):
    d = shop["dir"]
    out = d / "out" / "a.parquet"
    base = ["anonymize", str(d / "anonymize.yaml"), "--output", str(out), "--key-file", str(d / "hogo.key"),
            *shop["common"]]
    refused = runner.invoke(app, [*base, "--from-vault", "--actor", "screener"])
    assert refused.exit_code == 1 and "ACC-ROLE-PURPOSE" in refused.output and "audit #" in refused.output
    both = runner.invoke(app, [*base, "--from-vault", "--actor", "marketer", "--input", str(d / "x.csv")])
    assert both.exit_code == 2 and "--from-vault" in both.output and "not both" in both.output
    neither = runner.invoke(app, [*base, "--actor", "marketer"])
    assert neither.exit_code == 2 and "--input" in neither.output
    no_actor = runner.invoke(app, [*base, "--from-vault"])
    assert no_actor.exit_code == 2 and "--actor" in no_actor.output
    unknown = runner.invoke(app, [*base, "--from-vault", "--actor", "nobody"])
    assert unknown.exit_code == 2 and "no active actor" in unknown.output
    assert not out.exists()
