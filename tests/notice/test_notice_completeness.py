"""The notice drops nothing: every piece of content text the policy holds appears in the rendered notice.

A generic walker collects every ``LocalizedText`` and every content string (names, addresses, phone
numbers, URLs …) reachable from the policy, and each must occur in the visible text of the notice. A
second check keeps the walker honest as the schema grows: every string field must be classified as
content or not, and the full fixture must fill every content field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from hogo.notice import render_notice
from hogo.notice.labels import country_name
from hogo.policy.loader import PolicyError, load
from hogo.policy.models import ConsentDocument, LocalizedText, Policy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
FULL = HERE / "full.yaml"
EXAMPLES = sorted((ROOT / "examples" / "policies").glob("*.yaml"))

#: Plain-string fields a reader needs to see.
CONTENT_STR = {"name", "phone", "fax", "email", "url", "address", "corporate_number", "opt_out_url", "version"}
#: Plain-string fields rendered as country names, not as the ISO code.
COUNTRY_STR = {"country", "countries", "foreign_handling"}
#: Plain-string fields that are references, keys or settings, not text for the reader.
NOT_CONTENT_STR = {
    "id", "items", "purposes", "subject_types", "provisions", "cross_border", "contract_clauses", "desk",
    "bureau", "provided_items", "from_event", "after", "company_closures",
    "parties",  # ids of recipients and outsourcees: the notice shows their names
}
#: Whole models or fields the public notice deliberately leaves out.
EXCLUDED = {
    ("Role", "*"),  # internal access-control roles
    ("ConsentVersion", "*"),  # the consent wording is given at acquisition; the notice names the current version
    ("Calendar", "*"),
    ("LawSettings", "*"),
    ("Connector", "*"),  # external databases requests reach: internal plumbing, not a matter of the notice
    ("ConnectorTable", "*"),
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _BodyText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        elif tag in ("style", "script"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if self.in_body and not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _BodyText()
    parser.feed(html)
    return normalise("".join(parser.parts))


def _excluded(model: str, field: str) -> bool:
    return (model, "*") in EXCLUDED or (model, field) in EXCLUDED


def walk(node: object, lang: str, model: str = "Policy", field: str = "") -> Iterator[tuple[str, str, str]]:
    """(model, field, expected text) for every piece of content reachable from ``node``."""
    if isinstance(node, LocalizedText):
        yield model, field, node.get(lang)
    elif isinstance(node, ConsentDocument):
        yield from _walk_model(node, lang)
        current = max(node.versions, key=lambda v: v.effective_from)
        yield "ConsentDocument", "versions", current.version
    elif isinstance(node, BaseModel):
        yield from _walk_model(node, lang)
    elif isinstance(node, dict):
        for value in node.values():
            yield from walk(value, lang, model, field)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from walk(value, lang, model, field)
    elif isinstance(node, Enum) or not isinstance(node, str) or not node:
        return
    elif field in CONTENT_STR:
        yield model, field, node
    elif field in COUNTRY_STR:
        yield model, field, country_name(node, lang)  # type: ignore[arg-type]
    elif field not in NOT_CONTENT_STR:
        raise AssertionError(f"{model}.{field} is a string field the walker does not classify")


def _walk_model(node: BaseModel, lang: str) -> Iterator[tuple[str, str, str]]:
    name = type(node).__name__
    for field, info in type(node).model_fields.items():
        leaves = _leaf_types(info.annotation)
        if _excluded(name, field) or leaves <= {Literal, bool, int, float}:
            continue  # Literal choices (handles, tax …) are rendered as labels, not as their code
        yield from walk(getattr(node, field), lang, name, field)


def _leaf_types(annotation: object) -> set[object]:
    origin = get_origin(annotation)
    if origin is Literal:
        return {Literal}
    if origin is Annotated:
        return _leaf_types(get_args(annotation)[0])
    if origin is dict:
        return _leaf_types(get_args(annotation)[1])  # keys are ids
    if origin is None:
        return {annotation}
    return set().union(*(_leaf_types(a) for a in get_args(annotation) if a is not type(None)))


def _schema_fields() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(text fields, plain-string fields) of every model reachable from Policy."""
    texts: set[tuple[str, str]] = set()
    strings: set[tuple[str, str]] = set()
    todo, seen = [Policy], set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for field, info in cls.model_fields.items():
            for leaf in _leaf_types(info.annotation):
                if leaf is LocalizedText:
                    texts.add((cls.__name__, field))
                elif isinstance(leaf, type) and issubclass(leaf, BaseModel):
                    todo.append(leaf)
                elif leaf is str:
                    strings.add((cls.__name__, field))
    return texts, strings


def _rendered(policy: Policy, lang: str, fmt: str) -> str:
    out = render_notice(policy, lang=lang, fmt=fmt)  # type: ignore[arg-type]
    return visible_text(out) if fmt == "html" else normalise(re.sub(r"\\(.)", r"\1", out))


def _missing(policy: Policy, lang: str, fmt: str) -> list[str]:
    text = _rendered(policy, lang, fmt)
    return [f"{m}.{f}: {t}" for m, f, t in walk(policy, lang) if normalise(t) not in text]


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", [MINIMAL, FULL], ids=["minimal", "full"])
def test_every_content_text_of_the_policy_appears_in_the_notice(path, lang, fmt):
    policy = load(path).policy
    assert _missing(policy, lang, fmt) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_policies_lose_nothing(path):
    try:
        policy = load(path).policy
    except PolicyError as exc:  # examples are maintained elsewhere; their validity is tested there
        pytest.skip(f"{path.name} does not load: {exc}")
    assert _missing(policy, "ja", "html") == []


def test_every_string_field_of_the_schema_is_classified():
    _, strings = _schema_fields()
    known = CONTENT_STR | COUNTRY_STR | NOT_CONTENT_STR
    unclassified = sorted(f"{m}.{f}" for m, f in strings if f not in known and not _excluded(m, f))
    assert unclassified == []


def test_full_fixture_fills_every_content_field():
    """So the completeness test above really exercises every field the schema has."""
    texts, strings = _schema_fields()
    wanted = {(m, f) for m, f in texts | strings
              if not _excluded(m, f) and f not in NOT_CONTENT_STR}
    found = {(m, f) for m, f, _ in walk(load(FULL).policy, "ja")}
    assert sorted(wanted - found) == []


def test_walker_sees_the_policy_text():
    found = {t for _, _, t in walk(load(MINIMAL).policy, "ja")}
    assert {"株式会社ほごクレジット", "お申込みの審査及び与信判断のため", "0120-000-000", "照会日から6ヶ月間",
            "所得税法施行規則第76条の3", "1.0"} <= found
    assert "審査担当者" not in found  # roles are internal
