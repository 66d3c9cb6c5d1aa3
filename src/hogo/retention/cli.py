"""``hogo retention …``: the disposal plan, the sweep, legal holds, certificates and the accuracy report."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hogo import clock
from hogo.cli_support import (
    DatabaseOption,
    KeyFileOption,
    PolicyOption,
    cli_session,
    err,
    fail,
    optional_date,
    out,
)

app = typer.Typer(help="Retention: what is due, disposal sweeps, legal holds and disposal certificates.",
                  no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds: stop disposal for a subject or a record, with who and why.",
                       no_args_is_help=True)
certificates_app = typer.Typer(help="Disposal certificates (廃棄記録).", no_args_is_help=True)
app.add_typer(hold_app, name="hold")
app.add_typer(certificates_app, name="certificates")

AsOfOption = Annotated[str | None, typer.Option("--as-of", help="the day to judge (default: today in Japan)")]


class CertificateFormat(StrEnum):
    csv = "csv"
    html = "html"


@app.command("plan")
def plan(
    days: Annotated[int, typer.Option("--days", min=0, help="look this many days ahead")] = 30,
    as_of: AsOfOption = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """What will be disposed of in the next N days, by rule and item (nothing is changed)."""
    with cli_session(policy, database, key_file) as hogo:
        p = hogo.retention.plan(optional_date(as_of), days)
    table = Table(title=f"retention plan {p.as_of} → {p.until}")
    for col in ("rule", "item", "due now", f"due within {days} days", "held"):
        table.add_column(col, justify="right" if col not in ("rule", "item") else "left")
    for r in sorted(p.rows, key=lambda r: (r.rule_id, r.item_id)):
        table.add_row(r.rule_id, r.item_id, f"{r.due_now:,}", f"{r.due_within:,}", f"{r.held:,}")
    for name, n in p.keepers.items():
        table.add_row(name, "*", "", f"{n:,}", "")
    out.print(table)


@app.command("sweep")
def sweep(
    execute: Annotated[bool | None, typer.Option("--execute/--dry-run", help="dispose for real, or only count; "
                                                 "default: a dry run the first time, then execute")] = None,
    as_of: AsOfOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="actor id responsible for the sweep")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Dispose of every record whose retention has ended (resumes an interrupted sweep first)."""
    with cli_session(policy, database, key_file, ValueError) as hogo:
        dry = hogo.retention.default_dry_run() if execute is None else not execute
        if dry and execute is None:
            out.print("first sweep of this database: dry run (nothing is changed); re-run with --execute")
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[disposed]:,} disposed"), TimeElapsedColumn(),
                      console=err, transient=False, disable=dry) as bar:
            tasks: dict[str, int] = {}

            def tick(t) -> None:
                if t.unit not in tasks:
                    tasks[t.unit] = bar.add_task(t.unit, total=t.chunks, disposed=0)
                bar.update(tasks[t.unit], completed=t.chunk, total=t.chunks,
                           disposed=bar.tasks[tasks[t.unit]].fields["disposed"] + t.disposed)

            result = hogo.retention.sweep(optional_date(as_of), dry_run=dry, actor_id=actor, progress=tick)
    table = Table(title=("dry run: would dispose of" if dry else f"sweep {result.sweep_id}") + f" (as of {result.as_of})")
    table.add_column("rule")
    table.add_column("records", justify="right")
    for unit, n in result.disposed.items():
        table.add_row(unit, f"{n:,}")
    out.print(table)
    if result.resumed:
        out.print("resumed an interrupted sweep")
    out.print(f"{'would dispose of' if dry else 'disposed of'} {result.total:,} record(s)"
              + ("" if dry else f"; {result.keys_destroyed:,} data key(s) destroyed; audit #{result.audit_seq}"))


@app.command("event")
def event(
    subject: Annotated[str, typer.Argument(help="subject id")],
    name: Annotated[str, typer.Argument(help="retirement, consent_withdrawn, full_repayment, "
                                            "filing_deadline_next_jan10 …")],
    on: Annotated[str, typer.Argument(help="the day it happened")],
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Record an event a retention period counts from (contract dates come from the engagements)."""
    with cli_session(policy, database, key_file, LookupError) as hogo:
        hogo.retention.record_event(subject, name, optional_date(on), actor_id=actor)
    out.print(f"recorded {name} on {optional_date(on)}")


@app.command("accuracy")
def accuracy(
    as_of: AsOfOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Subjects whose key items were not confirmed within the program's period (Art. 22 accuracy)."""
    with cli_session(policy, database, key_file) as hogo:
        rows = hogo.retention.unconfirmed(optional_date(as_of), limit=limit)
    table = Table(title="items to re-confirm (APPI Art. 22)")
    for col in ("subject", "item", "last confirmed", "period (months)"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.subject_id, r.item_id, f"{r.confirmed_at:%Y-%m-%d}", str(r.confirm_within_months))
    out.print(table)
    out.print(f"{len(rows)} item(s) to re-confirm")


@hold_app.command("add")
def hold_add(
    reason: Annotated[str, typer.Option("--reason", help="why: the case or investigation")],
    actor: Annotated[str, typer.Option("--actor", help="actor id placing the hold")],
    subject: Annotated[str | None, typer.Option("--subject", help="subject id")] = None,
    record: Annotated[str | None, typer.Option("--record", help="record id")] = None,
    until: Annotated[str | None, typer.Option("--until", help="last day of the hold (default: until released)")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Place a legal hold on a subject or one record."""
    with cli_session(policy, database, key_file) as hogo:
        hold = hogo.retention.add_hold(reason=reason, actor_id=actor, subject_id=subject, record_id=record,
                                       until=optional_date(until))
    out.print(f"hold {hold.id} placed")


@hold_app.command("release")
def hold_release(
    hold_id: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    actor: Annotated[str, typer.Option("--actor")],
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Release a legal hold; disposal of what is due resumes at the next sweep."""
    with cli_session(policy, database, key_file) as hogo:
        hogo.retention.release_hold(hold_id, actor_id=actor, reason=reason)
    out.print(f"hold {hold_id} released")


@hold_app.command("list")
def hold_list(
    active: Annotated[bool, typer.Option("--active/--all", help="only holds active today")] = True,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Legal holds with who placed them and why."""
    with cli_session(policy, database, key_file) as hogo:
        holds = hogo.retention.holds(active_on=clock.today() if active else None)
    for h in holds:  # one line per hold, so that ids stay whole for copy and paste
        scope = f"subject {h.subject_id}" if h.subject_id else f"record {h.record_id}"
        released = f" released {h.released_at:%Y-%m-%d} by {h.released_by}" if h.released_at else ""
        out.print(f"{h.id}  {scope}  {h.from_date}..{h.until_date or ''}  by {h.placed_by}  "
                  f"reason: {h.reason}{released}", highlight=False, soft_wrap=True)
    out.print(f"{len(holds)} hold(s)")


@certificates_app.command("export")
def certificates_export(
    fmt: Annotated[CertificateFormat, typer.Option("--format")] = CertificateFormat.csv,
    sweep_id: Annotated[str | None, typer.Option("--sweep", help="one sweep (html needs it; default: latest)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file; default stdout")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Export disposal certificates as CSV (all sweeps, or one) or as a readable Japanese HTML page."""
    with cli_session(policy, database, key_file) as hogo:
        if fmt is CertificateFormat.html and sweep_id is None:
            sweeps = hogo.retention.sweeps()
            if not sweeps:
                fail(ValueError("no sweep has been run yet"))
            sweep_id = sweeps[-1].id
        fh = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            if fmt is CertificateFormat.csv:
                n = hogo.retention.export_csv(fh, sweep_id)
            else:
                fh.write(hogo.retention.render_html(sweep_id))
                n = len(hogo.retention.certificate(sweep_id))
        finally:
            if output:
                fh.close()
    if output:
        out.print(f"wrote {n} certificate line(s) to {output}")
