"""Reason registry and Decision."""

import ast
from pathlib import Path

import pytest

import hogo.law as law
from hogo.law import REASONS, Decision, Reason, reason, register

# Codes the policy linter and other rooms rely on (brief) — each must exist with text.
REQUIRED = [
    "APPI-17-1",
    "APPI-17-2",
    "APPI-18-1",
    "APPI-18-2",
    "APPI-20-2",
    "APPI-21-1",
    "APPI-21-2",
    "APPI-21-3",
    "APPI-21-4-4",
    "APPI-22",
    "APPI-23",
    "APPI-25",
    "APPI-27-1",
    "APPI-27-1-2",
    "APPI-27-2",
    "APPI-27-5-1",
    "APPI-27-5-3",
    "APPI-27-6",
    "APPI-28-1",
    "APPI-28-2",
    "APPI-28-3",
    "APPI-29-1",
    "APPI-30-1",
    "APPI-32-1",
    "APPI-33-1",
    "APPI-33-5",
    "APPI-34",
    "APPI-35-1",
    "APPI-35-3",
    "APPI-35-5",
    "APPI-37",
    "APPI-38-2",
    "APPI-39",
    "APPI-40",
    "APPI-41-6",
    "APPI-43-3",
    "APPI-Q1-62",
    "MNA-9",
    "MNA-16",
    "MNA-19",
    "MNA-20",
    "MNA-CHECKDIGIT",
    "FIN-GL-5",
    "MNA-FORMAT",
    "MNA-LENGTH",
    "MNA-DUMMY",
    "APPI-2026-CHILD",
]


@pytest.mark.parametrize("code", REQUIRED)
def test_required_codes_registered_with_text(code):
    r = reason(code)
    assert r.code == code
    assert r.article and r.ja and r.en
    assert any("\u3040" <= ch <= "\u9fff" for ch in r.ja), "ja text must be Japanese"


def test_all_registered_reasons_complete():
    for code, r in REASONS.items():
        assert code == r.code and r.article and r.ja and r.en, code


@pytest.mark.parametrize(
    ("code", "article", "article_ja"),
    [
        ("APPI-27-1-2", "APPI Art. 27(1)(ii)", "個人情報保護法第27条第1項第2号"),
        ("APPI-20-2", "APPI Art. 20(2)", "個人情報保護法第20条第2項"),
        ("APPI-34", "APPI Art. 34", "個人情報保護法第34条"),
        ("MNA-19", "My Number Act Art. 19", "番号法第19条"),
    ],
)
def test_citations(code, article, article_ja):
    assert reason(code).article == article
    assert reason(code).citation("ja") == article_ja


def test_unknown_code_is_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown reason code 'APPI-99-9'"):
        reason("APPI-99-9")


def test_register_refuses_duplicates_and_accepts_new_codes():
    with pytest.raises(ValueError, match="already registered"):
        register(Reason("APPI-27-1", "x", "重複", "dup"))
    code = "POL-TEST-ONLY"
    try:
        register(Reason(code, "hogo policy", "テスト用の方針コード", "test policy code"))
        assert Decision.deny(code).messages("en") == ["[POL-TEST-ONLY] test policy code (hogo policy)"]
        with pytest.raises(ValueError):
            register(Reason(code, "hogo policy", "二重", "twice"))
    finally:
        REASONS.pop(code, None)


def test_register_refuses_blank_code():
    with pytest.raises(ValueError):
        register(Reason(" ", "x", "空", "blank"))


def test_decision_checks_codes_and_normalises_reasons():
    with pytest.raises(KeyError):
        Decision(True, ("NOPE-1",))
    d = Decision(False, ["APPI-27-1"], "consent")
    assert d.reasons == ("APPI-27-1",)
    assert Decision(True, "MNA-9").reasons == ("MNA-9",)


def test_decision_messages_in_both_languages():
    d = Decision.deny("APPI-27-1", requirement="consent")
    (ja,) = d.messages()
    (en,) = d.messages("en")
    assert ja.startswith("[APPI-27-1] あらかじめ本人の同意") and ja.endswith("(個人情報保護法第27条第1項)")
    assert en.startswith("[APPI-27-1] Personal data must not") and en.endswith("(APPI Art. 27(1))")
    assert d.requirement == "consent"


def test_decision_allow_deny_helpers():
    a = Decision.allow("APPI-21-4-4")
    assert a.allowed and a.requirement == "none"
    d = Decision.deny("MNA-19")
    assert not d.allowed and d.requirement is None
    assert d.with_reasons("MNA-19", "MNA-9").reasons == ("MNA-19", "MNA-9")


def test_law_package_imports_nothing_else_from_hogo():
    root = Path(law.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert not node.module.startswith("hogo") or node.module.startswith("hogo.law"), path
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("hogo") or alias.name.startswith("hogo.law"), path
