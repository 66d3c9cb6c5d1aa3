"""The policy linter's machinery: findings, the rule registry and the runner.

Each rule is a small function over the loaded program that yields findings; it carries a stable code
(``HG0xx``), a severity and the article of law (or ``internal`` for self-consistency) it enforces.
The rules themselves live in :mod:`hogo.policy.rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from hogo.policy.loader import LoadedPolicy, PathKey, dotted


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    article: str
    path: str
    line: int
    message_ja: str
    message_en: str
    reason: str | None = None  # a hogo.law reason code, when the finding is the law's

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "article": self.article,
            "reason": self.reason,
            "path": self.path,
            "line": self.line,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Issue:
    """What a rule reports: where, and what is wrong in both languages."""

    path: PathKey
    ja: str
    en: str


RuleFn = Callable[[LoadedPolicy], Iterator[Issue]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    article: str
    title: str
    reason: str | None
    check: RuleFn


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, article: str, title: str, reason: str | None = None):
    """Register a lint rule; codes are stable and never reused."""

    def wrap(fn: RuleFn) -> RuleFn:
        if code in RULES:
            raise ValueError(f"lint rule {code} is registered twice")
        RULES[code] = Rule(code, severity, article, title, reason, fn)
        return fn

    return wrap


def lint(loaded: LoadedPolicy, only: set[str] | None = None) -> list[Finding]:
    """Run every rule (or ``only`` those codes); findings sorted by line."""
    import hogo.policy.rules  # noqa: F401  (registers the rules)

    findings: list[Finding] = []
    for r in RULES.values():
        if only and r.code not in only:
            continue
        for issue in r.check(loaded):
            findings.append(
                Finding(r.code, r.severity, r.article, dotted(issue.path), loaded.line_of(issue.path),
                        issue.ja, issue.en, r.reason)
            )
    return sorted(findings, key=lambda f: (f.line, f.code))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.error for f in findings)
