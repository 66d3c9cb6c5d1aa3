"""The personal-information inventory (個人情報管理台帳) generated from the policy."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
import yaml

from hogo.law.categories import CATEGORY_RULES, category_label
from hogo.policy.inventory import (
    DPV_IRIS,
    GROUPS,
    INVENTORY_COLUMNS,
    dpv_legend,
    inventory_csv,
    inventory_rows,
    write_inventory,
)
from hogo.policy.models import Policy

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal.yaml"
DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"


def _policy(mutate=None) -> Policy:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    if mutate:
        mutate(data)
    return Policy.model_validate(data)


def _row(rows, item_id, purpose_id):
    found = [r for r in rows if r["item_id"] == item_id and r["purpose_id"] == purpose_id]
    assert len(found) == 1, [(r["item_id"], r["purpose_id"]) for r in rows]
    return found[0]


@pytest.fixture(scope="module")
def rows():
    return inventory_rows(_policy())


def test_columns_are_unique_grouped_and_contiguous():
    keys = [c.key for c in INVENTORY_COLUMNS]
    headers = [c.ja for c in INVENTORY_COLUMNS]
    assert len(set(keys)) == len(keys) and len(set(headers)) == len(headers)
    groups = [c.group for c in INVENTORY_COLUMNS]
    assert list(dict.fromkeys(groups)) == list(GROUPS)  # each group once, in toolkit order
    for header in ("管理番号", "個人情報の項目", "利用目的", "要配慮個人情報の有無", "保管期間", "廃棄方法",
                   "委託先名", "提供先", "提供の根拠", "記録義務"):
        assert header in headers


def test_one_row_per_item_and_purpose(rows):
    pairs = [(r["item_id"], r["purpose_id"]) for r in rows]
    assert pairs == [
        ("name", "credit_screening"), ("name", "marketing"), ("name", "withholding"),
        ("address", "credit_screening"), ("address", "marketing"), ("address", "withholding"),
        ("phone", "credit_screening"), ("income", "credit_screening"), ("payment_history", "credit_screening"),
        ("my_number", "withholding"),
    ]
    assert [r["no"] for r in rows] == [str(i) for i in range(1, 11)]
    assert all(list(r) == [c.key for c in INVENTORY_COLUMNS] for r in rows)


def test_my_number_row(rows):
    r = _row(rows, "my_number", "withholding")
    assert r["item"] == "個人番号" and r["category"] == category_label("my_number") == "個人番号(マイナンバー)"
    assert r["category_dpv"] == CATEGORY_RULES["my_number"].dpv_iri == PD + "OfficialID"
    assert r["purpose"] == "源泉徴収票作成事務のため"
    assert r["subjects"] == "従業者" and r["subjects_dpv"] == DPV + "Employee"
    assert r["special_care"] == "無"
    assert r["access"] == "人事担当者"
    assert r["retention"] == "扶養控除等申告書の提出期限の翌年1月10日の翌日から7年間"
    assert r["retention_basis"] == "所得税法施行規則第76条の3"
    assert r["recipient"] == "" and r["record_duty"] == ""


def test_credit_bureau_in_third_party_columns_of_the_purpose_it_was_consented_for(rows):
    for item in ("name", "address", "payment_history"):
        r = _row(rows, item, "credit_screening")
        assert r["recipient"] == "株式会社シー・アイ・シー(CIC)"
        assert r["recipient_basis"] == "本人同意"
        assert r["recipient_basis_dpv"] == DPV + "Consent"
        assert r["recipient_dpv"] == DPV + "ThirdParty"
        assert r["provided_items"] == "氏名・住所・支払状況"
        assert r["record_duty"] == "要"
    # not provided items, and purposes the bureau consent does not cover, carry no bureau
    assert _row(rows, "phone", "credit_screening")["recipient"] == ""
    assert _row(rows, "income", "credit_screening")["recipient"] == ""
    assert _row(rows, "name", "marketing")["recipient"] == ""
    assert _row(rows, "name", "withholding")["recipient"] == ""


def test_retention_from_the_matching_rule(rows):
    assert _row(rows, "name", "credit_screening")["retention"] == "契約終了日から5年間"
    # the identity rule is for customers only: the employee row has none
    assert _row(rows, "name", "withholding")["retention"] == ""
    income = _row(rows, "income", "credit_screening")
    assert income["retention"] == "契約終了日から5年間"
    assert "クレジット情報の登録期間（契約期間中及び契約終了後5年間）以上" in income["retention_basis"]


def test_basic_columns(rows):
    r = _row(rows, "name", "credit_screening")
    assert r["category"] == "本人を識別する情報" and r["category_dpv"] == PD + "Identifying"
    assert r["subjects"] == "お客様" and r["subjects_dpv"] == DPV + "Customer"
    assert r["consent"] == "個人情報の取扱いに関する同意条項"
    assert r["access"] == "審査担当者"
    assert _row(rows, "income", "credit_screening")["category_dpv"] == PD + "Credit"
    # no data in the policy: left empty, not invented
    for key in ("count", "storage", "department", "source", "disposal", "outsourcee"):
        assert r[key] == ""
    assert _row(rows, "name", "marketing")["consent"] == ""
    assert _row(rows, "name", "marketing")["access"] == "営業企画担当者"


def _with_sharing(d):
    d["subject_types"].append({"id": "guarantor", "name": "連帯保証人"})
    d["items"].append({"id": "medical", "name": "病歴", "category": "special_care", "subject_types": ["guarantor"]})
    d["items"].append({"id": "fingerprint", "name": "指紋", "category": "identification_code", "collected": False})
    d["recipients"] = [
        {"id": "police", "name": "警察署", "basis": "laws", "public_body": True, "items": ["phone"]},
        {"id": "us_partner", "name": "US Partner Inc.", "basis": "consent", "country": "US", "items": ["phone"]},
    ]
    d["joint_uses"] = [{"id": "group", "name": "グループ共同利用", "items": ["income"], "purposes": ["与信判断のため"],
                        "responsible": {"name": "株式会社ほごクレジット"}}]
    d["outsourcing"] = {"outsourcees": [
        {"id": "printer", "name": "ほご印刷株式会社", "service": "郵便物の印刷・発送", "items": ["name", "address"]},
        {"id": "cloud", "service": "クラウド基盤", "country": "IE", "items": ["name"]},
    ]}
    d["retention"].append({"id": "med", "items": ["medical"], "period": {"years": 1, "from": "inquiry"},
                           "disposal": "シュレッダーによる裁断"})


def test_sharing_columns_and_unused_items():
    rows = inventory_rows(_policy(_with_sharing))
    name = _row(rows, "name", "credit_screening")
    assert name["outsourcee"] == "ほご印刷株式会社; cloud"  # an unnamed outsourcee shows by its id
    assert name["outsourcee_service"] == "郵便物の印刷・発送; クラウド基盤"
    assert name["outsourcee_country"] == "JP; IE"
    assert name["outsourcee_dpv"] == DPV + "DataProcessor"
    phone = _row(rows, "phone", "credit_screening")
    assert phone["recipient"] == "警察署; US Partner Inc."
    assert phone["recipient_basis"] == "法令に基づく; 本人同意"
    assert phone["recipient_basis_dpv"] == f"{DPV}LegalObligation; {DPV}Consent"
    assert phone["recipient_country"] == "JP; US"
    assert phone["record_duty"] == "要"  # the consent-based foreign provision needs a record
    income = _row(rows, "income", "credit_screening")
    assert income["recipient"] == "グループ共同利用（共同利用）" and income["recipient_basis"] == "共同利用"
    assert income["recipient_dpv"] == DPV + "JointDataControllers"
    assert income["record_duty"] == "不要"  # joint use is not provision to a third party
    # items no purpose uses get one row with an empty purpose
    medical = _row(rows, "medical", "")
    assert medical["special_care"] == "有" and medical["category"] == "要配慮個人情報"
    assert medical["category_dpv"] == DPV + "SpecialCategoryPersonalData"
    assert medical["subjects"] == "連帯保証人" and medical["subjects_dpv"] == DPV + "DataSubject"
    assert medical["retention"] == "照会日から1年間" and medical["disposal"] == "シュレッダーによる裁断"
    assert _row(rows, "fingerprint", "")["source"] == "取得しない"


def test_only_laws_based_provision_needs_no_record():
    def only_police(d):
        d["recipients"] = [{"id": "police", "name": "警察署", "basis": "laws", "items": ["phone"]}]
    assert _row(inventory_rows(_policy(only_police)), "phone", "credit_screening")["record_duty"] == "不要"


def test_every_iri_is_a_known_dpv_term():
    rows = inventory_rows(_policy(_with_sharing))
    known = set(DPV_IRIS.values()) | {r.dpv_iri for r in CATEGORY_RULES.values() if r.dpv_iri}
    dpv_keys = [c.key for c in INVENTORY_COLUMNS if c.key.endswith("_dpv")]
    used = {iri for r in rows for k in dpv_keys for iri in r[k].split("; ") if iri}
    assert used <= known
    assert all(iri.startswith(("https://w3id.org/dpv#", "https://w3id.org/dpv/pd#")) for iri in used)
    legend = dpv_legend(rows)
    assert {e["iri"] for e in legend} == used
    consent = next(e for e in legend if e["iri"] == DPV + "Consent")
    assert consent["term"] == "dpv:Consent" and consent["ja"] == "本人の同意" and "提供の根拠(DPV)" in consent["columns"]
    official = next(e for e in legend if e["iri"] == PD + "OfficialID")
    assert official["term"] == "pd:OfficialID" and "個人番号" in official["ja"]


def test_csv_has_bom_and_parses_back(tmp_path):
    data = inventory_csv(_policy())
    assert data.startswith(b"\xef\xbb\xbf")
    path = write_inventory(_policy(), tmp_path / "ledger.csv", "csv")
    assert path.read_bytes() == data
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed[0] == [c.ja for c in INVENTORY_COLUMNS]
    assert parsed[1:] == [list(r.values()) for r in inventory_rows(_policy())]


def test_xlsx_two_level_header_and_legend(tmp_path):
    path = write_inventory(_policy(), tmp_path / "ledger.xlsx", "xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["台帳", "凡例"]
    ws = wb["台帳"]
    headers = [ws.cell(row=2, column=i).value for i in range(1, len(INVENTORY_COLUMNS) + 1)]
    assert headers == [c.ja for c in INVENTORY_COLUMNS]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:M1" in merged and ws["A1"].value == "基本項目"
    start = 1
    for group in GROUPS:
        width = sum(1 for c in INVENTORY_COLUMNS if c.group == group)
        first = ws.cell(row=1, column=start)
        assert first.value == group
        end = ws.cell(row=1, column=start + width - 1).coordinate
        assert f"{first.coordinate}:{end}" in merged
        start += width
    assert ws.freeze_panes == "D3"
    assert ws.column_dimensions["L"].width == 40  # 利用目的
    assert ws.max_row == 2 + len(inventory_rows(_policy()))
    my_number = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "my_number")
    assert my_number[3] == "個人番号(マイナンバー)"
    legend = wb["凡例"]
    assert [c.value for c in legend[1]] == ["用語", "IRI", "意味", "使用列"]
    iris = {row[1] for row in legend.iter_rows(min_row=2, values_only=True) if row[1]}
    assert {DPV + "Consent", PD + "OfficialID", DPV + "Employee"} <= iris


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown inventory format"):
        write_inventory(_policy(), tmp_path / "x.pdf", "pdf")


def test_retention_is_worded_like_the_notice_for_any_event():
    def from_repayment(d):
        d["retention"][1]["period"] = {"years": 10, "from": "full_repayment", "during_contract": True}
    r = _row(inventory_rows(_policy(from_repayment)), "phone", "credit_screening")
    assert r["retention"] == "契約期間中及び完済日から10年間"
