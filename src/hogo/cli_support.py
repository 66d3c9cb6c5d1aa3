"""What every ``hogo`` sub-command shares: the consoles, the database/key/program options, opening the facade,
dates in any accepted form, and failing with a one-line error instead of a traceback (which could quote values).

The room CLIs (``hogo.provision.cli``, ``hogo.retention.cli`` …) import from here, so they need nothing from
``hogo.cli``, which only registers them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from hogo.policy.loader import LoadedPolicy, PolicyError, load

out = Console()
err = Console(stderr=True)

PolicyOption = Annotated[Path, typer.Option("--policy", envvar="HOGO_POLICY", help="the program file")]
DatabaseOption = Annotated[str | None, typer.Option("--database", envvar="HOGO_DATABASE_URL",
                                                    help="SQLAlchemy URL; default sqlite:///hogo.db")]
KeyFileOption = Annotated[Path, typer.Option("--key-file", envvar="HOGO_KEY_FILE", help="the master key file")]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def load_or_exit(path: Path, fmt: OutputFormat = OutputFormat.table) -> LoadedPolicy:
    """The program, or its schema errors (file:line, field) and exit 1."""
    try:
        return load(path)
    except PolicyError as exc:
        if fmt is OutputFormat.json:
            rows = [{"code": "SCHEMA", "severity": "error", "path": p.field, "line": p.line, "message_en": p.message}
                    for p in exc.problems]
            out.print_json(json.dumps({"file": str(path), "errors": len(rows), "findings": rows}, ensure_ascii=False))
        else:
            for p in exc.problems:
                err.print(f"[red]error[/red] {exc.path}:{p.line}: {p.field}: {p.message}", highlight=False)
            err.print(f"{exc.path}: {len(exc.problems)} schema error(s); nothing else was checked.")
        raise typer.Exit(1) from None


def open_cli(policy: Path, database: str | None, key_file: Path):
    """The SDK facade for the CLI; a missing key or policy is explained, not traced back."""
    from hogo.sdk import open_hogo
    from hogo.vault.crypto import CryptoError

    loaded = load_or_exit(policy)
    try:
        return open_hogo(loaded.policy, database, key_path=key_file)
    except (CryptoError, FileNotFoundError) as exc:
        fail(exc)


def domain_errors() -> tuple[type[Exception], ...]:
    """The rooms' bad-input errors: each names field and rule (or reason code) and never a value, so its text
    is safe to print as it is."""
    from hogo.connectors.service import ConnectorError
    from hogo.law.requests import TransitionError
    from hogo.vault.service import VaultError  # also ConsentError, ReceiptRefused

    return VaultError, ConnectorError, TransitionError


@contextmanager
def clear_errors(*errors: type[Exception], code: int = 1,
                 report: Callable[[Exception, int], NoReturn] | None = None) -> Iterator[None]:
    """Turn the listed errors into one clear line and exit ``code`` (``report`` prints it; default :func:`fail`)."""
    try:
        yield
    except errors as exc:
        (report or fail)(exc, code)


@contextmanager
def cli_session(policy: Path, database: str | None, key_file: Path, *also: type[Exception],
                code: int = 1) -> Iterator:
    """``with cli_session(...) as hogo:`` — the facade, opened as :func:`open_cli` opens it; the rooms' domain
    errors (and ``also``) end the command with one clear line and exit ``code``; the facade is always closed,
    so a failed command leaves no connection or half-open session behind."""
    hogo = open_cli(policy, database, key_file)
    try:
        with clear_errors(*domain_errors(), *also, code=code):
            yield hogo
    finally:
        hogo.close()


def actor_named(hogo, name: str, hint: str = "--actor") -> str:
    """The id of the active actor the command names; an unknown or deactivated one is a bad option (exit 2)."""
    actor_id = hogo.access.actor_named(name)
    if actor_id is None:
        raise typer.BadParameter(f"no active actor named {name!r}", param_hint=hint)
    return actor_id


def parse_date(text: str) -> dt.date:
    """ISO, 2026/4/1, 2026年4月1日 or 令和8年4月1日."""
    from hogo.law.era import parse_date_any

    try:
        return parse_date_any(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def optional_date(text: str | None) -> dt.date | None:
    return None if text is None else parse_date(text)


def fail(exc: Exception, code: int = 1) -> NoReturn:
    """One red line (the error names field and rule, never a value) and exit ``code`` (1 unless a command's
    exit 1 already means something else)."""
    err.print(f"[red]error[/red] {exc}", highlight=False)
    raise typer.Exit(code) from None
