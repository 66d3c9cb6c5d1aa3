"""Verify that every fact in tests/seed_facts/*.yaml is a verbatim substring of its seed.

Each ``NNN.yaml`` file lists short, atomic facts taken from one seed document in
``shared/seeds/``.  A fact's ``text`` must occur in the seed after both sides are
normalised with :func:`normalise` (Unicode NFKC, then every whitespace character
removed).  The same normalisation is used by the rendered-notice test, which checks
that every fact of a seed appears in the notice rendered from the matching example
policy.

Run::

    .venv/bin/python tests/seed_facts/check_facts.py [NNN.yaml ...]

Exit status is 0 when every fact verifies, 1 otherwise.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

FACTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = Path(__file__).resolve().parents[2]
# /work/main -> /work/shared/seeds ; in CI the clone's sibling ``shared`` directory.
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"

TOPICS = frozenset(
    {
        "organization",
        "representative",
        "address",
        "dates",
        "purposes",
        "my_number",
        "special_care",
        "highly_sensitive",
        "provision",
        "joint_use",
        "outsourcing",
        "cross_border",
        "credit_bureau",
        "security",
        "requests",
        "fees",
        "deadlines",
        "identity_documents",
        "agents",
        "response_methods",
        "retention",
        "anonymized",
        "pseudonymized",
        "cookies",
        "breach",
        "children",
        "complaint_desk",
        "accredited_org",
        "contact",
        "other",
    }
)


def normalise(text: str) -> str:
    """NFKC-normalise ``text`` and drop all whitespace (incl. ideographic space)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def load_facts(path: Path | str) -> dict[str, Any]:
    """Load one fact file and check its shape; returns the parsed mapping."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: top level must be a mapping")
    for key in ("seed", "company", "facts"):
        if key not in data:
            raise ValueError(f"{path}: missing key {key!r}")
    if not isinstance(data["facts"], list) or not data["facts"]:
        raise ValueError(f"{path}: 'facts' must be a non-empty list")
    for i, fact in enumerate(data["facts"]):
        if not isinstance(fact, dict) or not isinstance(fact.get("text"), str):
            raise ValueError(f"{path}: fact #{i} needs a string 'text'")
        if fact.get("topic") not in TOPICS:
            raise ValueError(f"{path}: fact #{i} has unknown topic {fact.get('topic')!r}")
        if not normalise(fact["text"]):
            raise ValueError(f"{path}: fact #{i} has empty text")
    return data


def seed_path(data: dict[str, Any]) -> Path:
    return SEEDS_DIR / data["seed"]


def fact_files() -> list[Path]:
    return sorted(FACTS_DIR.glob("[0-9][0-9][0-9].yaml"))


def check_file(path: Path) -> list[str]:
    """Return a list of problems (empty when every fact verifies)."""
    problems: list[str] = []
    data = load_facts(path)
    seed = seed_path(data)
    if not seed.is_file():
        return [f"{path.name}: seed file not found: {seed}"]
    seed_norm = normalise(seed.read_text(encoding="utf-8"))
    if normalise(data["company"]) not in seed_norm:
        problems.append(f"{path.name}: company {data['company']!r} not in seed")
    seen: set[str] = set()
    for i, fact in enumerate(data["facts"]):
        norm = normalise(fact["text"])
        nfkc = unicodedata.normalize("NFKC", fact["text"])
        if nfkc != fact["text"]:
            problems.append(
                f"{path.name}: fact #{i} text is not written NFKC-normalised: "
                f"{fact['text']!r} (NFKC: {nfkc!r})"
            )
        if norm not in seed_norm:
            problems.append(f"{path.name}: fact #{i} [{fact['topic']}] not in seed: {fact['text']!r}")
        key = fact["topic"] + "\0" + norm
        if key in seen:
            problems.append(f"{path.name}: fact #{i} duplicated: {fact['text']!r}")
        seen.add(key)
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a) if Path(a).is_absolute() else FACTS_DIR / a for a in argv] or fact_files()
    if not paths:
        print(f"no fact files in {FACTS_DIR}")
        return 1
    failed = False
    for path in paths:
        try:
            problems = check_file(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            problems = [f"{path.name}: {exc}"]
        if problems:
            failed = True
            for p in problems:
                print(p)
        else:
            n = len(load_facts(path)["facts"])
            print(f"{path.name}: OK ({n} facts)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
