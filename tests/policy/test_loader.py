"""Loading hogo.yaml: every schema problem is reported with its file, line and field."""

from pathlib import Path

import pytest
import yaml

from hogo.policy.loader import PolicyError, load, parse

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal.yaml"


def _text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_minimal_loads_and_maps_lines():
    loaded = load(MINIMAL)
    text = _text()
    assert loaded.policy.organization.name.ja == "株式会社ほごクレジット"
    assert loaded.line_of(("purposes", 2, "my_number")) == _line_of(text, "my_number: true")
    # a bare string is the Japanese text
    assert loaded.policy.roles[0].name.ja == "審査担当者" and loaded.policy.roles[0].name.en is None


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("consent_required: true", "consent_requierd: true", "purposes[0].consent_requierd", "unknown field"),
        ("category: credit, subject_types: [customer]}\n  - {id: payment_history",
         "category: creditt, subject_types: [customer]}\n  - {id: payment_history",
         "items[3].category", "Input should be"),
        ("amount_yen: 1000, tax: included, actual_cost_yen: 900", "amount_yen: -1, tax: included, actual_cost_yen: 900",
         "requests.procedures[1].fees[0].amount_yen", "greater than or equal to 0"),
        ("id: marketing", "id: Marketing", "purposes[1].id", "String should match pattern"),
        ("toll_free: true\n    email", "toll_free: maybe\n    email", "desks[0].toll_free", "valid boolean"),
    ],
)
def test_schema_errors_name_line_and_field(old, new, field, message):
    text = _text()
    assert old in text
    broken = text.replace(old, new, 1)
    with pytest.raises(PolicyError) as info:
        parse(broken, "hogo.yaml")
    problems = info.value.problems
    match = [p for p in problems if p.field == field]
    assert match, problems
    assert message in match[0].message
    assert match[0].line == _line_of(broken, new.splitlines()[0])
    assert f"hogo.yaml:{match[0].line}: {field}" in str(info.value)


def test_missing_required_section_points_at_parent():
    data = yaml.safe_load(_text())
    del data["requests"]["identity_documents"]
    with pytest.raises(PolicyError) as info:
        parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("requests.identity_documents", "this field is required")
    ]


def test_duplicate_ids_are_refused():
    data = yaml.safe_load(_text())
    data["purposes"][1]["id"] = "credit_screening"
    with pytest.raises(PolicyError, match="used twice"):
        parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_yaml_syntax_error_has_line():
    with pytest.raises(PolicyError) as info:
        parse("version: 1\norganization:\n  name: [unclosed\n", "bad.yaml")
    assert info.value.problems[0].field == "(yaml)"
    assert info.value.problems[0].line >= 3


def test_not_a_mapping_and_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="YAML mapping"):
        parse("- a\n- b\n")
    with pytest.raises(PolicyError, match="no such file"):
        load(tmp_path / "absent.yaml")


def test_bad_country_code_and_closure_day():
    data = yaml.safe_load(_text())
    data["cross_border"] = [{"id": "x", "recipient": "X社", "countries": ["usa"], "basis": "consent"}]
    data["calendar"] = {"company_closures": [["12-32", "01-03"]]}
    with pytest.raises(PolicyError) as info:
        parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    fields = {p.field for p in info.value.problems}
    assert "cross_border[0].countries" in fields and "calendar.company_closures" in fields
