"""The processing spec: roles by column, deny by default, errors naming line, field and rule."""

import textwrap

import pytest

from hogo.anonymize.spec import SpecError, load_spec, parse_spec

GOOD = textwrap.dedent("""\
    version: 1
    kind: anonymize
    dataset: loan_customers
    items: [年齢, 性別]
    columns:
      direct_identifiers:
        - name
        - {column: phone, action: replace}
      identification_codes: [my_number]
      linkage_ids: [customer_id]
      quasi_identifiers:
        age: {builtin: age_bands, widths: [5, 10]}
        address: {builtin: japanese_address, levels: [prefecture]}
        occupation: {file: occupation.csv}
      sensitive: [loan_status]
      financial_harm: [card_number]
      drop: [email]
    peculiar:
      - {column: age, top_code: 90}
    privacy: {k: 5, l: 2, suppression_limit: 0.05}
    """)


def problems(text):
    with pytest.raises(SpecError) as exc:
        parse_spec(text, "spec.yaml")
    return [(p.line, p.field, p.message) for p in exc.value.problems]


def test_good_spec_roles_and_hash(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_spec(path)
    spec = loaded.spec
    assert spec.kind == "anonymize" and spec.dataset == "loan_customers"
    roles = spec.columns.roles()
    assert roles == {"name": "direct_identifiers", "phone": "direct_identifiers", "my_number": "identification_codes",
                     "customer_id": "linkage_ids", "age": "quasi_identifiers", "address": "quasi_identifiers",
                     "occupation": "quasi_identifiers", "loan_status": "sensitive", "card_number": "financial_harm",
                     "email": "drop"}
    assert spec.columns.direct_identifiers[0].action == "delete"  # bare string: default action
    assert spec.columns.linkage_ids[0].action == "replace"
    assert spec.columns.quasi_identifiers["age"].params() == {"widths": [5, 10]}
    assert loaded.resolve("occupation.csv") == tmp_path / "occupation.csv"
    import hashlib
    assert loaded.sha256 == hashlib.sha256(GOOD.encode()).hexdigest()


def test_unknown_field_names_line_and_field():
    text = GOOD + "colour: blue\n"
    assert problems(text) == [(21, "colour", "unknown field (check the spelling; the schema does not know it)")]


def test_column_in_two_roles():
    text = GOOD.replace("  drop: [email]", "  drop: [email, name]")
    [(line, field, msg)] = problems(text)
    assert field == "columns" and line == 5
    assert "'name'" in msg and "direct_identifiers and drop" in msg and "one role per column" in msg


def test_anonymize_needs_privacy_model():
    text = GOOD.replace("privacy: {k: 5, l: 2, suppression_limit: 0.05}\n", "")
    [(line, field, msg)] = problems(text)
    assert field == "privacy" and "Rules 34(5)" in msg


def test_l_needs_sensitive_and_names_the_field():
    text = GOOD.replace("  sensitive: [loan_status]\n", "  attributes: [loan_status]\n")
    [(line, field, msg)] = problems(text)
    assert field == "columns.sensitive" and "sensitive attribute" in msg


def test_builtin_needs_its_parameters():
    text = GOOD.replace("age: {builtin: age_bands, widths: [5, 10]}", "age: {builtin: age_bands}")
    [(line, field, msg)] = problems(text)
    assert (line, field) == (12, "columns.quasi_identifiers.age")
    assert "needs widths" in msg and "built-in parameters" in msg


def test_hierarchy_file_or_builtin_not_both():
    text = GOOD.replace("occupation: {file: occupation.csv}", "occupation: {file: o.csv, builtin: suppress}")
    [(line, field, msg)] = problems(text)
    assert field == "columns.quasi_identifiers.occupation" and "exactly one" in msg


def test_token_is_refused_when_anonymizing():
    text = GOOD.replace("{column: phone, action: replace}", "{column: phone, action: token}")
    [(line, field, msg)] = problems(text)
    assert field == "columns" and "restorable" in msg and "Rules 34(1)/(3)" in msg


def test_peculiar_rule_must_change_something_and_target_a_kept_column():
    [(_, field, msg)] = problems(GOOD.replace("{column: age, top_code: 90}", "{column: age}"))
    assert field == "peculiar[0]" and "must change something" in msg
    [(_, field, msg)] = problems(GOOD.replace("{column: age, top_code: 90}", "{column: name, top_code: 90}"))
    assert field == "peculiar[0].column" and "kept column" in msg


def test_pseudonymize_has_no_privacy_model():
    text = GOOD.replace("kind: anonymize", "kind: pseudonymize")
    [(line, field, msg)] = problems(text)
    assert field == "kind" and "Rules 31" in msg


def test_bad_values_and_yaml():
    [(_, field, msg)] = problems(GOOD.replace("k: 5", "k: 0"))
    assert field == "privacy.k" and "greater than or equal to 1" in msg
    [(_, field, _m)] = problems(GOOD.replace("dataset: loan_customers", "dataset: Loan Customers"))
    assert field == "dataset"
    [(line, field, _m)] = problems("kind: anonymize\ncolumns: [\n")
    assert field == "(yaml)"


def test_check_columns_is_deny_by_default():
    loaded = parse_spec(GOOD, "spec.yaml")
    cols = ["name", "phone", "my_number", "customer_id", "age", "address", "occupation", "loan_status",
            "card_number", "email"]
    loaded.check_columns(cols)  # all declared, all present
    with pytest.raises(SpecError) as exc:
        loaded.check_columns([*cols, "memo"])
    [p] = exc.value.problems
    assert p.field == "columns" and "'memo' has no role" in p.message and "every input column is declared" in p.message
    with pytest.raises(SpecError) as exc:
        loaded.check_columns([c for c in cols if c != "age"])
    [p] = exc.value.problems
    assert p.field == "columns.quasi_identifiers.age" and p.line == 12 and "declared columns exist" in p.message


def test_missing_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError) as exc:
        load_spec(tmp_path / "nope.yaml")
    assert exc.value.problems[0].message == "no such file"


def test_rare_values_of_a_quasi_identifier_belong_to_the_privacy_model():
    text = GOOD.replace("{column: age, top_code: 90}", "{column: age, min_frequency: 3}")
    [(line, field, msg)] = problems(text)
    assert field == "peculiar[0].min_frequency" and "quasi-identifier" in msg and line == 19
