"""Every example program passes the linter and renders a notice carrying every fact of its seed.

The fact lists in tests/seed_facts/ were written from the seed documents independently of the example
programs, so a fact the program forgot (or the notice dropped) fails here.
"""

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from hogo.notice import render_notice
from hogo.policy.lint import Severity, lint
from hogo.policy.loader import load

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "policies"
FACTS = ROOT / "tests" / "seed_facts"
SEED_EXAMPLE = {
    "000": "servicer.yaml",
    "001": "car_lease.yaml",
    "002": "consumer_credit.yaml",
    "003": "ecommerce.yaml",
    "004": "bpo_callcenter.yaml",
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


@pytest.mark.parametrize("name", sorted(SEED_EXAMPLE.values()))
def test_example_passes_policy_check(name):
    findings = lint(load(EXAMPLES / name))
    errors = [f"{f.line} {f.code} {f.message_en}" for f in findings if f.severity is Severity.error]
    assert errors == []


def _fact_cases():
    for seed, example in SEED_EXAMPLE.items():
        data = yaml.safe_load((FACTS / f"{seed}.yaml").read_text(encoding="utf-8"))
        for fact in data["facts"]:
            yield pytest.param(example, fact["text"], id=f"{seed}-{fact['topic']}-{fact['text'][:20]}")


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return {
        name: normalise(html_text(render_notice(load(EXAMPLES / name).policy, lang="ja", fmt="html")))
        for name in SEED_EXAMPLE.values()
    }


@pytest.mark.parametrize(("example", "fact"), list(_fact_cases()))
def test_seed_fact_appears_in_rendered_notice(rendered, example, fact):
    assert normalise(fact) in rendered[example]


@pytest.mark.parametrize("name", sorted(SEED_EXAMPLE.values()))
def test_markdown_and_english_render_for_every_example(name):
    policy = load(EXAMPLES / name).policy
    md = render_notice(policy, lang="ja", fmt="md")
    en = render_notice(policy, lang="en", fmt="html")
    assert policy.organization.name.ja in md
    assert policy.organization.name.get("en") in en
    assert '<html lang="en"' in en
