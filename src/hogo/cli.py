"""The ``hogo`` command: the privacy officer's tools at the terminal.

Exit codes are part of the interface: 0 clean, 1 the program breaks a rule (or cannot be read),
2 the command was called wrongly (Typer's usage errors).
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hogo.anonymize.cli import anonymize_app, pseudonymize_app
from hogo.cli_support import (
    DatabaseOption,
    KeyFileOption,
    OutputFormat,
    PolicyOption,
    actor_named,
    cli_session,
    err,
    load_or_exit,
    open_cli,
    out,
    parse_date,
)
from hogo.provision import cli as provision_cli
from hogo.provision.bureau import cli as bureau_cli
from hogo.provision.outsourcing import cli as outsourcing_cli
from hogo.requests import cli as requests_cli
from hogo.retention import cli as retention_cli

# Locals are never shown in tracebacks: they can hold personal values.
app = typer.Typer(help="hogo — APPI / My Number Act compliance: policy as code.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
policy_app = typer.Typer(help="Check, inventory and compare the privacy program (hogo.yaml).", no_args_is_help=True)
notice_app = typer.Typer(help="Render the public privacy notice from the program.", no_args_is_help=True)
law_app = typer.Typer(help="Look-ups in the law core: My Number, business days, era dates.", no_args_is_help=True)
actors_app = typer.Typer(help="Staff and systems that use personal data, and their API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="Verify and export the audit hash chain.", no_args_is_help=True)
keys_app = typer.Typer(help="Master keys: rotation re-wraps data keys without re-encrypting values.",
                       no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(notice_app, name="notice")
app.add_typer(law_app, name="law")
app.add_typer(actors_app, name="actors")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.command("provide")(provision_cli.provide)
app.add_typer(provision_cli.records_app, name="records")
app.add_typer(bureau_cli.app, name="bureau")
app.add_typer(outsourcing_cli.app, name="outsourcees")
app.add_typer(requests_cli.app, name="requests")
app.add_typer(retention_cli.app, name="retention")
app.add_typer(anonymize_app, name="anonymize")
app.add_typer(pseudonymize_app, name="pseudonymize")

class Lang(StrEnum):
    ja = "ja"
    en = "en"


class NoticeFormat(StrEnum):
    html = "html"
    md = "md"


class InventoryFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


PolicyPath = Annotated[Path, typer.Argument(help="the program file, e.g. hogo.yaml", show_default=False)]


@policy_app.command("check")
def policy_check(
    path: PolicyPath,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table for people, json for machines")] = (
        OutputFormat.table
    ),
    lang: Annotated[Lang, typer.Option(help="language of the messages")] = Lang.ja,
) -> None:
    """Lint the program against the APPI, the My Number Act and itself; exit 1 on errors."""
    from hogo.policy.lint import has_errors, lint

    loaded = load_or_exit(path, fmt)
    findings = lint(loaded)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    if fmt is OutputFormat.json:
        payload = {"file": str(path), **{f"{k}s": v for k, v in counts.items()},
                   "findings": [f.as_dict() for f in findings]}
        out.print_json(json.dumps(payload, ensure_ascii=False))
    else:
        if findings:
            table = Table(title=f"hogo policy check — {path}", show_lines=False)
            for col in ("line", "severity", "code", "article", "path", "message"):
                table.add_column(col, overflow="fold")
            style = {"error": "red", "warning": "yellow", "info": "cyan"}
            for f in findings:
                table.add_row(str(f.line), f"[{style[f.severity]}]{f.severity}[/]", f.code, f.article, f.path,
                              f.message_ja if lang is Lang.ja else f.message_en)
            out.print(table)
        out.print(f"{path}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
    raise typer.Exit(1 if has_errors(findings) else 0)


@policy_app.command("inventory")
def policy_inventory(
    path: PolicyPath,
    fmt: Annotated[InventoryFormat, typer.Option("--format")] = InventoryFormat.csv,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write")] = None,
) -> None:
    """Export the personal-data inventory (個人情報管理台帳) in the PPC data-mapping columns."""
    from hogo.policy.inventory import write_inventory

    loaded = load_or_exit(path)
    target = output or Path(f"inventory.{fmt}")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_inventory(loaded.policy, target, str(fmt))
    out.print(f"wrote {target}")


@policy_app.command("diff")
def policy_diff(
    old: Annotated[Path, typer.Argument(help="the program as published")],
    new: Annotated[Path, typer.Argument(help="the program as changed")],
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    lang: Annotated[Lang, typer.Option()] = Lang.ja,
) -> None:
    """Classify each change by what the law then requires: nothing, publication, prior notice, consent."""
    from hogo.policy.diff import diff_policies, strongest

    changes = diff_policies(load_or_exit(old).policy, load_or_exit(new).policy)
    top = strongest(changes)
    if fmt is OutputFormat.json:
        rows = [{"path": c.path, "kind": c.kind, "requirement": str(c.requirement), "articles": list(c.articles),
                 "message_ja": c.message_ja, "message_en": c.message_en, "before": c.before, "after": c.after}
                for c in changes]
        out.print_json(json.dumps({"requirement": str(top), "changes": rows}, ensure_ascii=False))
        return
    table = Table(title=f"hogo policy diff — {old} → {new}")
    for col in ("requirement", "kind", "path", "articles", "message"):
        table.add_column(col, overflow="fold")
    for c in changes:
        table.add_row(str(c.requirement), c.kind, c.path, ", ".join(c.articles),
                      c.message_ja if lang is Lang.ja else c.message_en)
    out.print(table)
    out.print(f"{len(changes)} change(s); strongest requirement: {top}")


@notice_app.command("render")
def notice_render(
    path: PolicyPath,
    lang: Annotated[Lang, typer.Option(help="ja (default) or en")] = Lang.ja,
    fmt: Annotated[NoticeFormat, typer.Option("--format")] = NoticeFormat.html,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write; default stdout")] = None,
) -> None:
    """Render the privacy notice (個人情報の取扱いについて) from the program."""
    from hogo.notice import render_notice

    text = render_notice(load_or_exit(path).policy, lang=str(lang), fmt=str(fmt))
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    out.print(f"wrote {output}")


@law_app.command("mynumber")
def law_mynumber(number: Annotated[str, typer.Argument(help="12 digits; full-width and hyphens accepted")]) -> None:
    """Validate a My Number (check digit per 総務省令85号 Art. 5). The number itself is never echoed."""
    from hogo.law.mynumber import check_my_number

    result = check_my_number(number)
    if result.valid:
        out.print("valid")
        return
    from hogo.law.reasons import reason

    r = reason(result.reason)
    out.print(f"invalid: {result.reason} ({r.article}) {r.ja} / {r.en}", highlight=False)
    raise typer.Exit(1)


@law_app.command("business-days")
def law_business_days(
    start: Annotated[str, typer.Argument(help="ISO date, 2026/5/6, 2026年5月6日 or 令和8年5月6日")],
    days: Annotated[int, typer.Argument(help="business days to add")],
    policy: Annotated[Path | None, typer.Option(help="take company closures from this program")] = None,
) -> None:
    """The date N business days after START (weekends, national holidays and company closures skipped)."""
    from hogo.law.calendar import BusinessCalendar
    from hogo.law.era import to_wareki

    closures = load_or_exit(policy).policy.calendar.company_closures if policy else [("12-29", "01-03")]
    cal = BusinessCalendar(company_closures=tuple(tuple(c) for c in closures))
    result = cal.add_business_days(parse_date(start), days)
    out.print(f"{result.isoformat()} ({to_wareki(result)})")


@law_app.command("wareki")
def law_wareki(date: Annotated[str, typer.Argument(help="a date in any accepted form")]) -> None:
    """Convert between western dates and Japanese era dates (令和/平成/昭和)."""
    from hogo.law.era import to_wareki

    d = parse_date(date)
    out.print(f"{d.isoformat()} {to_wareki(d)}")


# --- the running system: database, keys, actors, audit ---------------------------------------------------------

@app.command("init")
def init(
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Create the master key file (if missing) and the database schema; safe to run again."""
    from hogo.vault.crypto import KeyRing

    load_or_exit(policy)
    if key_file.exists():
        out.print(f"key file {key_file} exists; kept")
    else:
        KeyRing.generate().save(key_file)
        out.print(f"wrote master key {key_file} (mode 600) — back it up: without it the data cannot be read")
    with cli_session(policy, database, key_file) as hogo:
        out.print(f"database ready: {hogo.engine.url.render_as_string(hide_password=True)}")


@actors_app.command("create")
def actors_create(
    name: Annotated[str, typer.Argument(help="login name of the person or system")],
    role: Annotated[str, typer.Option(help="a role id from the program's roles")],
    department: Annotated[str | None, typer.Option()] = None,
    token: Annotated[bool, typer.Option("--token/--no-token", help="issue an API token now")] = True,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Register an actor with a role; the API token is printed once and stored only as a hash."""
    with cli_session(policy, database, key_file) as hogo:
        actor = hogo.access.create_actor(name, role, department)
        out.print(f"actor {actor.name} ({actor.role}) id={actor.id}")
        if token:
            out.print(f"token (shown once): {hogo.access.issue_token(actor.id)}", highlight=False)


@actors_app.command("token")
def actors_token(
    name: Annotated[str, typer.Argument()],
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Issue a further API token for an existing actor."""


    with cli_session(policy, database, key_file) as hogo:
        actor_id = actor_named(hogo, name, "NAME")
        out.print(f"token (shown once): {hogo.access.issue_token(actor_id)}", highlight=False)


@audit_app.command("verify")
def audit_verify(
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Check every entry's hash and link; names the first broken entry. Exit 1 if the chain is broken."""
    with cli_session(policy, database, key_file) as hogo:
        result = hogo.audit_verify()
    if result.ok:
        out.print(f"audit chain ok: {result.count} entries")
        return
    err.print(f"[red]audit chain broken[/red] at entry {result.first_bad_seq}: {result.problem} "
              f"({result.count} entries intact before it)", highlight=False)
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON Lines file; default stdout")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Write the chain as JSON Lines (identifiers and item names only) for offline verification."""
    with cli_session(policy, database, key_file) as hogo:
        if output is None:
            hogo.audit_export(sys.stdout)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            count = hogo.audit_export(fh)
    out.print(f"wrote {count} entries to {output}")


@keys_app.command("rotate")
def keys_rotate(
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Add a new master key to the key file and re-wrap every data key under it."""
    from hogo.vault.crypto import KeyRing

    with cli_session(policy, database, key_file) as hogo:
        rotated = KeyRing.load(key_file).add_master()
        rotated.save(key_file, overwrite=True)
        count = hogo.rotate_master_key(rotated)
    out.print(f"new master key {rotated.current_id}; re-wrapped {count} data key(s)")


@app.command("import")
def import_file(
    csv_path: Annotated[Path, typer.Argument(help="CSV file (UTF-8, UTF-8 with BOM or cp932 per the mapping)")],
    mapping: Annotated[Path, typer.Option(help="YAML mapping of columns to items")],
    actor: Annotated[str, typer.Option(help="name of the actor importing (its role must allow the purpose)")],
    purpose: Annotated[str, typer.Option(help="the purpose the data is acquired for")],
    source: Annotated[str, typer.Option(help="direct, third_party or public")] = "direct",
    channel: Annotated[str, typer.Option()] = "file",
    consent_ref: Annotated[str | None, typer.Option(help="reference of the consent obtained at source")] = None,
    provider: Annotated[str | None, typer.Option(
        help="third_party: the provider, a recipient / bureau / joint-use / outsourcee id of the program, or its "
             "name (then also --provider-address and, for a corporation, --provider-representative)")] = None,
    provider_address: Annotated[str | None, typer.Option(help="third_party: the provider's address")] = None,
    provider_representative: Annotated[str | None, typer.Option(
        help="third_party: the provider's representative")] = None,
    acquired_how: Annotated[str | None, typer.Option(
        help="third_party: how the provider acquired the data (Art. 30(1)(ii))")] = None,
    basis: Annotated[str | None, typer.Option(help="third_party: the provider's basis (consent, opt_out …)")] = None,
    ppc_publication: Annotated[str | None, typer.Option(
        help="third_party, opt-out: the PPC publication of the provider's filing")] = None,
    chunk: Annotated[int, typer.Option(min=1, help="rows per transaction")] = 5000,
    strict: Annotated[bool, typer.Option(help="stop before a chunk with a bad row instead of skipping it")] = False,
    rejects: Annotated[Path | None, typer.Option(help="write rejected rows (row, column, rule) to this CSV")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Bulk-import subjects from a CSV: decided once, written in chunks, one audit entry per chunk.

    Data from a third party (``--source third_party``) comes in as one Art. 30 receipt: the provider and how
    it acquired the data are confirmed first (a refusal imports nothing), and every chunk writes its persons
    with their confirmation records.
    """
    import csv

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from hogo.access.importer import (
        ImportAborted,
        ImportRejected,
        MappingError,
        count_rows,
        import_csv,
        load_mapping,
    )
    from hogo.access.service import AccessDenied
    from hogo.provision.receipts import named_party
    from hogo.vault.models import Source

    try:
        origin = Source(source)
    except ValueError:
        raise typer.BadParameter("direct, third_party or public", param_hint="--source") from None
    receipt_options = {"--provider-address": provider_address, "--provider-representative": provider_representative,
                       "--acquired-how": acquired_how, "--basis": basis, "--ppc-publication": ppc_publication}
    if origin is not Source.third_party:
        given = [name for name, value in receipt_options.items() if value is not None]
        if given:
            raise typer.BadParameter(f"{given[0]} describes a third party's data: use it with --source third_party",
                                     param_hint=given[0])
    elif provider is None:
        raise typer.BadParameter("name the third party the data came from (Art. 30(1)(i))", param_hint="--provider")

    with cli_session(policy, database, key_file, MappingError, AccessDenied, ImportRejected, ImportAborted) as hogo:
        actor_id = actor_named(hogo, actor)
        spec = load_mapping(mapping, hogo.policy)
        total = count_rows(csv_path, spec)
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=out) as bar:
            task = bar.add_task(f"importing {csv_path.name}", total=total)
            progress = lambda done: bar.update(task, completed=done)  # noqa: E731
            receipt_id = None
            if origin is Source.third_party:
                assert provider is not None
                party = named_party(hogo.policy, provider, provider_address, provider_representative)
                report, receipt_id = hogo.provision.import_received(
                    hogo, csv_path, spec, actor_id=actor_id, provider=party, acquired_how=acquired_how,
                    purpose_id=purpose, basis=basis, consent_ref=consent_ref, ppc_publication=ppc_publication,
                    channel=channel, chunk=chunk, strict=strict, progress=progress)
            else:
                report = import_csv(hogo, csv_path, spec, actor_id=actor_id, purpose_id=purpose, source=origin,
                                    channel=channel, consent_ref=consent_ref, provider=provider, chunk=chunk,
                                    strict=strict, progress=progress)
    out.print(f"imported {report.subjects} subjects, {report.records} records in {report.chunks} chunk(s), "
              f"{report.rows_per_second:,.0f} rows/s; rejected {report.rejected_rows} row(s)")
    if receipt_id is not None:
        out.print(f"Art. 30 receipt {receipt_id}: confirmation records for the {report.subjects} person(s) received")
    if rejects and report.rejected:
        with rejects.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["row", "column", "rule", "message"])
            writer.writerows([r.row, r.column or "", r.rule, r.message] for r in report.rejected)
        out.print(f"rejections written to {rejects}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="seed realistic Japanese demo subjects and print tokens")] = False,
    demo_rows: Annotated[int, typer.Option(min=1)] = 3000,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Start the REST API (OpenAPI at /docs). With --demo, the key and database are created if missing."""
    from hogo.api.server import run
    from hogo.vault.crypto import KeyRing

    if demo and not key_file.exists() and not os.environ.get("HOGO_MASTER_KEY"):
        KeyRing.generate().save(key_file)
        out.print(f"wrote master key {key_file}")
    hogo = open_cli(policy, database, key_file)
    if demo:
        from hogo.demo import seed_demo

        report = seed_demo(hogo, n=demo_rows)
        out.print(f"demo: {report.subjects} subjects, {report.records} records")
        by_actor: dict[str, list] = {}
        for access in report.readable:
            by_actor.setdefault(access.actor_id, []).append(access)
        for actor_id, grants in by_actor.items():
            token = hogo.access.issue_token(actor_id)
            first = grants[0]
            sample = report.sample_subjects.get(first.subject_type, "<subject id>")
            purposes = ", ".join(f"{g.purpose_id} ({g.subject_type})" for g in grants)
            out.print(f"\n[bold]{first.actor_name}[/bold] ({first.role}) may read: {purposes}", highlight=False)
            out.print(f"  curl -H 'Authorization: Bearer {token}' "
                      f"'http://{host}:{port}/v1/subjects/{sample}/records?purpose={first.purpose_id}'",
                      highlight=False, soft_wrap=True)
    out.print(f"\nOpenAPI: http://{host}:{port}/docs")
    run(hogo, host=host, port=port)


@app.command("scan")
def scan_command(
    files: Annotated[list[Path] | None, typer.Argument(help="text files to scan (UTF-8)")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="scan one column of a CSV file")] = None,
    column: Annotated[str | None, typer.Option(help="the CSV column to scan (with --csv)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table (counts) or jsonl (one finding a line)")] = "table",
    kinds: Annotated[str | None, typer.Option(help="comma-separated kinds to look for; default all")] = None,
    strict: Annotated[bool, typer.Option(help="exit 1 when anything is found (for CI gates)")] = False,
) -> None:
    """Find personal and special-care information in Japanese text (UTF-8 or cp932).

    Output holds positions and kinds, never the values; exit 1 with --strict when anything is found."""
    import csv

    from hogo.detect import scan

    if fmt not in ("table", "jsonl"):
        raise typer.BadParameter("use table or jsonl", param_hint="--format")
    wanted = {k.strip() for k in kinds.split(",")} if kinds else None
    if csv_file is None and not files:
        raise typer.BadParameter("name text files, or --csv FILE --column NAME")
    if csv_file is not None and not column:
        raise typer.BadParameter("--csv needs --column", param_hint="--column")

    from hogo.detect.files import scan_file

    def units():
        if csv_file is not None:
            with csv_file.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                if column not in (reader.fieldnames or []):
                    raise typer.BadParameter(f"no column {column!r} in {csv_file}", param_hint="--column")
                for row_no, row in enumerate(reader, start=2):  # row 1 is the header, as in a spreadsheet
                    yield {"file": str(csv_file), "row": row_no, "column": column}, row[column] or ""

    counts: dict[str, int] = {}

    def emit(record: dict) -> None:
        counts[record["kind"]] = counts.get(record["kind"], 0) + 1
        if fmt == "jsonl":
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")

    try:
        for path in files or []:
            for record in scan_file(path, kinds=wanted):
                emit(record)
        for where, text in units():
            for f in scan(text, kinds=wanted):
                emit({**where, "start": f.start, "end": f.end, "kind": f.kind, "score": round(f.score, 3),
                      "category": f.category.value})
    except ValueError as exc:  # an unknown kind
        raise typer.BadParameter(str(exc), param_hint="--kinds") from None
    if fmt == "table":
        table = Table(title="hogo scan")
        table.add_column("kind")
        table.add_column("findings", justify="right")
        for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            table.add_row(kind, str(n))
        out.print(table)
        out.print(f"{sum(counts.values())} finding(s)")
    if strict and counts:
        raise typer.Exit(1)
