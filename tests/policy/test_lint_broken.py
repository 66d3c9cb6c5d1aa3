"""examples/policies/broken.yaml: every planted error is reported on its line, and nothing else is an error.

Each broken line carries ``# planted: HG0xx`` (several codes may be listed, comma-separated); the comment
is the specification, so moving a line or a rule's path breaks this test rather than the demo.
"""

import re
from pathlib import Path

import pytest

import hogo.policy.rules  # noqa: F401  (registers the rules)
from hogo.policy.lint import RULES, Severity, has_errors, lint
from hogo.policy.loader import load

BROKEN = Path(__file__).parents[2] / "examples" / "policies" / "broken.yaml"
PLANTED = re.compile(r"#\s*planted:\s*(HG\d{3}(?:\s*,\s*HG\d{3})*)\s*$")


def planted() -> list[tuple[str, int]]:
    out = []
    for number, line in enumerate(BROKEN.read_text(encoding="utf-8").splitlines(), 1):
        m = PLANTED.search(line)
        if m:
            out += [(code.strip(), number) for code in m.group(1).split(",")]
    return out


@pytest.fixture(scope="module")
def findings():
    return lint(load(BROKEN))


def test_enough_distinct_errors_are_planted():
    codes = {code for code, _ in planted()}
    assert all(code in RULES for code in codes)
    assert len({c for c in codes if RULES[c].severity is Severity.error}) >= 10


@pytest.mark.parametrize(("code", "line"), planted(), ids=lambda v: str(v))
def test_planted_error_is_reported_on_its_line(findings, code, line):
    lines = sorted(f.line for f in findings if f.code == code)
    assert line in lines, f"{code} expected on line {line}, reported on {lines}"


def test_program_is_not_clean_and_every_error_was_planted(findings):
    assert has_errors(findings)
    expected = set(planted())
    unplanted = [f"{f.line} {f.code} {f.message_en}" for f in findings
                 if f.severity is Severity.error and (f.code, f.line) not in expected]
    assert unplanted == []
