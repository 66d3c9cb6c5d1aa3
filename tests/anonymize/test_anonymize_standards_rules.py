"""The five processing standards of Rules 34, each applied with its report entry (columnar, no values kept)."""

import textwrap

import polars as pl
import pytest

from hogo.anonymize.cli import synthetic_customers
from hogo.anonymize.spec import SpecError, parse_spec
from hogo.anonymize.standards import StandardsError, anonymize_frame, random_tokens
from hogo.anonymize.verify import verify

SPEC = textwrap.dedent("""\
    kind: anonymize
    dataset: loan_customers
    items: [年齢, 性別, 職業, 住所（都道府県）, 返済状況]
    columns:
      direct_identifiers:
        - name
        - {column: phone, action: replace}
      identification_codes: [my_number]
      linkage_ids:
        - {column: customer_id, action: replace}
      quasi_identifiers:
        age: {builtin: age_bands, widths: [5, 10, 20]}
        sex: {builtin: suppress}
        address: {builtin: japanese_address, levels: [municipality, prefecture]}
      sensitive: [loan_status]
      attributes: [occupation]
      financial_harm: [card_number]
      drop: [email, income]
    peculiar:
      - {column: age, top_code: 90}
      - {column: occupation, min_frequency: 40}
    privacy: {k: 5, l: 2, suppression_limit: 0.05}
    """)


@pytest.fixture(scope="module")
def data():
    return synthetic_customers(1200, seed=7)


@pytest.fixture(scope="module")
def run(data):
    loaded = parse_spec(SPEC, "spec.yaml")
    return anonymize_frame(data, loaded)


def _actions(entry):
    return {(a.column, a.action): a for a in entry.actions}


def test_report_has_the_five_standards_in_order(run):
    _, report = run
    assert [(e.id, e.code) for e in report.standards] == [(f"S{i}", f"APPI-RULES-34-{i}") for i in range(1, 6)]
    assert all(e.applied for e in report.standards)
    assert report.rows_in == 1200 and report.kind == "anonymized" and report.dataset == "loan_customers"
    assert report.items == ["年齢", "性別", "職業", "住所（都道府県）", "返済状況"]
    assert report.columns_out == ["customer_id", "address", "phone", "age", "sex", "occupation", "loan_status"]


def test_s1_identifying_descriptions_deleted_or_replaced(run, data):
    out, report = run
    acts = _actions(report.entry("S1"))
    assert acts[("name", "deleted")].count == 1200
    assert acts[("card_number", "deleted")].count == 1200
    assert acts[("phone", "replaced_random")].count == 1200
    assert "name" not in out.columns and "card_number" not in out.columns
    # replaced per row: no original phone survives, no two rows share a value (nothing links them)
    assert not out["phone"].is_in(data["phone"].implode()).any()
    assert out["phone"].n_unique() == out.height
    assert out["phone"].str.contains(r"^r\d{20}$").all()


def test_s2_identification_codes_deleted(run):
    out, report = run
    e = report.entry("S2")
    assert [(a.column, a.action, a.count) for a in e.actions] == [("my_number", "deleted", 1200)]
    assert "my_number" not in out.columns


def test_s3_linkage_codes_replaced_with_unlinkable_values(run, data):
    out, report = run
    a = _actions(report.entry("S3"))[("customer_id", "replaced_unlinkable")]
    assert a.count == 1200 and "1200 distinct" in a.detail
    assert not out["customer_id"].is_in(data["customer_id"].implode()).any()
    assert out["customer_id"].n_unique() == data["customer_id"].n_unique()


def test_s3_replacement_is_fresh_on_every_run_and_keeps_groups():
    frame = pl.DataFrame({"cid": ["a", "b", "a", None, "c", "b"], "age": [30, 31, 32, 33, 34, 35]})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          linkage_ids: [cid]
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
        privacy: {k: 2}
        """))
    out1, rep1 = anonymize_frame(frame, spec)
    out2, _ = anonymize_frame(frame, spec)
    c1 = out1["cid"].to_list()
    assert c1[0] == c1[2] and c1[1] == c1[5] and c1[3] is None and len({c1[0], c1[1], c1[4]}) == 3
    assert set(out1["cid"].drop_nulls()).isdisjoint(out2["cid"].drop_nulls())  # unlinkable across outputs
    assert [(a.column, a.action, a.count) for a in rep1.entry("S3").actions] == [("cid", "replaced_unlinkable", 5)]


def test_s4_peculiar_descriptions(run, data):
    out, report = run
    acts = _actions(report.entry("S4"))
    very_old = int((data["age"] >= 90).sum())
    assert very_old >= 1  # the synthetic table holds a 103-year-old
    assert acts[("age", "top_coded")].count == very_old
    rare = data.group_by("occupation").len().filter(pl.col("len") < 40)
    rare_rows = int(rare["len"].sum())
    assert acts[("occupation", "rare_generalized")].count == rare_rows
    assert f"{rare.height} values seen < 40 times" in acts[("occupation", "rare_generalized")].detail
    assert int((out["occupation"] == "*").sum()) == rare_rows
    assert set(out["occupation"].unique()) & set(rare["occupation"]) == set()


def test_s4_rare_delete_and_bottom_code():
    frame = pl.DataFrame({"age": [10, 20, 30, 40, 50, 60], "job": ["a", "a", "a", "b", "b", "z"]})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10, 20]}}
          attributes: [job]
        peculiar:
          - {column: age, bottom_code: 20}
          - {column: job, min_frequency: 2, action: delete}
        privacy: {k: 1}
        """))
    out, report = anonymize_frame(frame, spec)
    acts = _actions(report.entry("S4"))
    assert acts[("age", "bottom_coded")].count == 2
    assert acts[("job", "rare_deleted")].count == 1
    assert out["job"].to_list() == ["a", "a", "a", "b", "b", None]
    assert out["age"].to_list()[:2] == ["20", "20"]  # k=1: level 0, recorded as the bound


def test_s4_top_code_on_text_is_a_spec_error():
    frame = pl.DataFrame({"age": [10, 20], "job": ["a", "b"]})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
          attributes: [job]
        peculiar:
          - {column: job, top_code: 3}
        privacy: {k: 1}
        """), "spec.yaml")
    with pytest.raises(SpecError) as exc:
        anonymize_frame(frame, spec)
    [p] = exc.value.problems
    assert p.field == "peculiar[0].column" and "not numeric" in p.message and p.line == 7


def test_s5_privacy_model_achieved_and_verified(run):
    out, report = run
    e = report.entry("S5")
    m = e.measures
    assert m["model"]["k"] == 5 and m["model"]["l"] == 2
    assert m["achieved"]["k"] >= 5 and m["achieved"]["l_distinct"] >= 2
    assert m["achieved"]["suppressed"] <= int(0.05 * 1200)
    assert set(m["levels"]) == {"age", "sex", "address"}
    acts = _actions(e)
    assert acts[("email", "deleted")].detail == "not needed for the purpose"
    for c in ("age", "sex", "address"):
        assert acts[(c, "generalized")].detail.startswith(f"level {m['levels'][c]} of ")
    # independent re-check of the written frame
    from hogo.anonymize.privacy import PrivacyModel
    v = verify(out, ["age", "sex", "address"], "loan_status", PrivacyModel(k=5, l=2, suppression_limit=0.05))
    assert v.ok and v.k == m["achieved"]["k"]
    assert report.privacy == m


def test_s5_unsatisfiable_model_writes_nothing():
    frame = pl.DataFrame({"age": list(range(20, 40)), "status": ["x"] * 20})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
          sensitive: [status]
        privacy: {k: 2, l: 2}
        """))
    with pytest.raises(StandardsError) as exc:
        anonymize_frame(frame, spec)
    assert exc.value.rule == "APPI-RULES-34-5" and exc.value.field == "privacy"


def test_s5_hierarchy_file(tmp_path):
    (tmp_path / "job.csv").write_text("a;ab;*\nb;ab;*\nc;cd;*\nd;cd;*\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {job: {file: job.csv}}
        privacy: {k: 2}
        """), encoding="utf-8")
    from hogo.anonymize.spec import load_spec
    loaded = load_spec(tmp_path / "spec.yaml")
    out, report = anonymize_frame(pl.DataFrame({"job": ["a", "b", "c", "d"]}), loaded)
    assert out["job"].to_list() == ["ab", "ab", "cd", "cd"]
    assert report.entry("S5").measures["levels"] == {"job": 1}
    (tmp_path / "job.csv").unlink()
    with pytest.raises(SpecError) as exc:
        anonymize_frame(pl.DataFrame({"job": ["a"]}), loaded)
    assert exc.value.problems[0].field == "columns.quasi_identifiers.job.file"


def test_identification_code_hidden_in_a_kept_column_blocks(data):
    frame = data.select("age", "my_number").rename({"my_number": "memo"})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
          attributes: [memo]
        privacy: {k: 2}
        """))
    with pytest.raises(StandardsError) as exc:
        anonymize_frame(frame, spec)
    e = exc.value
    assert e.rule == "APPI-RULES-34-2" and e.field == "columns.memo" and "my_number" in e.message
    assert not any(v in str(e) for v in data["my_number"].head(50).to_list())  # never a value


@pytest.mark.parametrize("column,kind,rule", [("card_number", "credit_card", "APPI-RULES-34-1"),
                                              ("phone", "phone", "APPI-RULES-34-1"),
                                              ("email", "email", "APPI-RULES-34-1")])
def test_identifying_values_in_kept_columns_block(data, column, kind, rule):
    frame = data.select("age", column).rename({column: "note"})
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
          attributes: [note]
        privacy: {k: 2}
        """))
    with pytest.raises(StandardsError) as exc:
        anonymize_frame(frame, spec)
    assert exc.value.rule == rule and kind in exc.value.message and exc.value.field == "columns.note"


def test_names_in_free_text_are_reported_as_warnings(data):
    frame = data.select("age", "name").with_columns(("担当: " + pl.col("name") + " 様より電話").alias("memo")
                                                    ).drop("name")
    spec = parse_spec(textwrap.dedent("""\
        kind: anonymize
        dataset: t
        columns:
          quasi_identifiers: {age: {builtin: age_bands, widths: [10]}}
          attributes: [memo]
        privacy: {k: 2}
        """))
    _, report = anonymize_frame(frame, spec)
    [f] = [f for f in report.entry("S1").findings if f.kind == "person_name"]
    assert f.column == "memo" and f.severity == "warning" and f.cells > 0 and f.sampled == frame["memo"].n_unique()


def test_undeclared_column_refused(data):
    spec = parse_spec(SPEC, "spec.yaml")
    with pytest.raises(SpecError) as exc:
        anonymize_frame(data.with_columns(pl.lit("x").alias("memo")), spec)
    assert "'memo' has no role" in exc.value.problems[0].message


def test_random_tokens_distinct_and_unpredictable():
    a, b = random_tokens(1000), random_tokens(1000)
    assert a.n_unique() == 1000 and set(a).isdisjoint(set(b))
    assert random_tokens(0).len() == 0


def test_blocking_kinds_come_from_the_law():
    from hogo.anonymize.standards import CODE_KINDS, FINANCIAL_KINDS

    assert {"my_number", "drivers_license", "passport", "basic_pension_number"} == CODE_KINDS
    assert {"credit_card", "bank_account"} == FINANCIAL_KINDS


def test_s5_recursive_l_and_t_closeness_reach_the_engine(data):
    spec = parse_spec(SPEC.replace("privacy: {k: 5, l: 2, suppression_limit: 0.05}",
                                   "privacy: {k: 5, l: 2, l_variant: recursive, c: 3, t: 0.2, suppression_limit: 0.05}"))
    out, report = anonymize_frame(data, spec)
    m = report.entry("S5").measures
    assert m["model"] == {"k": 5, "l": 2, "l_variant": "recursive", "c": 3.0, "t": 0.2, "suppression_limit": 0.05}
    assert m["achieved"]["recursive_cl_ok"] is True and m["achieved"]["t"] <= 0.2
    from hogo.anonymize.privacy import PrivacyModel
    v = verify(out, ["age", "sex", "address"], "loan_status",
               PrivacyModel(k=5, l=2, l_variant="recursive", c=3, t=0.2, suppression_limit=0.05))
    assert v.ok and abs(v.t - m["achieved"]["t"]) < 1e-9


def test_s5_local_recoding_reaches_the_engine(data):
    spec = parse_spec(SPEC.replace("privacy: {k: 5, l: 2, suppression_limit: 0.05}",
                                   "privacy: {k: 5, suppression_limit: 0.05}\nlocal_recoding: true"))
    out, report = anonymize_frame(data, spec)
    m = report.entry("S5").measures
    assert m["local_recoding"] is True and m["achieved"]["k"] >= 5
    assert ("*", "local_recoding") in _actions(report.entry("S5"))
    from hogo.anonymize.privacy import PrivacyModel
    assert verify(out, ["age", "sex", "address"], None, PrivacyModel(k=5, suppression_limit=0.05)).ok


def test_value_missing_from_hierarchy_file_is_a_spec_error(tmp_path):
    (tmp_path / "job.csv").write_text("a;ab;*\nb;ab;*\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text("kind: anonymize\ndataset: t\ncolumns:\n  quasi_identifiers:\n"
                                        "    job: {file: job.csv}\nprivacy: {k: 1}\n", encoding="utf-8")
    from hogo.anonymize.spec import load_spec
    with pytest.raises(SpecError) as exc:
        anonymize_frame(pl.DataFrame({"job": ["a", "secret-value"]}), load_spec(tmp_path / "spec.yaml"))
    [p] = exc.value.problems
    assert p.field == "columns.quasi_identifiers.job.file" and p.line == 5
    assert "1 value(s)" in p.message and "not in the hierarchy" in p.message and "secret-value" not in p.message
