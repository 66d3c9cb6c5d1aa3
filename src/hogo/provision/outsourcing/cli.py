"""``hogo outsourcees``: what is still out with which outsourcee, and whose supervision is due (Art. 25).

Registered on the main command in :mod:`hogo.cli`; it imports that module only when a command runs, so the
two never import each other at load time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli_support import DatabaseOption, KeyFileOption, PolicyOption, cli_session, parse_date

app = typer.Typer(help="Outsourcees: data still out, selection, contracts and periodic reviews (APPI Art. 25).",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
out = Console()


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


STILL_OUT_COLUMNS = ("outsourcee_id", "outsourcee_name", "country", "contract_id", "contract_ends_on", "state",
                     "subjects", "handouts", "items", "since", "days_overdue")
REVIEW_COLUMNS = ("outsourcee_id", "outsourcee_name", "country", "abroad", "equivalent_country",
                  "cross_border_route", "evaluation_outcome", "evaluated_on", "supervised_on", "review_due",
                  "review_state", "contract_id", "contract_ends_on", "missing_clauses", "open_follow_ups", "data_out",
                  "findings", "notes")


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _cell(value: object) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def report_data(outsourcing, as_of: dt.date | None = None) -> dict:
    """The report as plain data (the API answers the same)."""
    reviews = outsourcing.review_report(as_of)
    still = outsourcing.still_out_report(reviews.as_of)
    return {
        "as_of": reviews.as_of.isoformat(),
        "review_interval_months": reviews.interval_months,
        "abroad": reviews.abroad,
        "abroad_non_equivalent": reviews.abroad_non_equivalent,
        "still_out": [{k: _plain(v) for k, v in asdict(line).items()} for line in still],
        "reviews": [{k: _plain(v) for k, v in asdict(line).items()} for line in reviews.lines],
    }


def _findings(data: dict) -> int:
    return sum(1 for ln in data["still_out"] if ln["state"] == "overdue") + sum(
        1 for ln in data["reviews"] if ln["findings"])


@app.command("report")
def report(
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day to report on (default today; 令和 too)")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv")] = ReportFormat.table,
    interval: Annotated[int | None, typer.Option("--interval", min=1, help="review interval in months "
                                                                           "(default 12)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write; default stdout")] = None,
    strict: Annotated[bool, typer.Option(help="exit 1 when data is overdue or any outsourcee has a finding")] = False,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Data still with outsourcees (overdue once the contract ended) and each outsourcee's supervision status."""

    day = parse_date(as_of) if as_of else None
    with cli_session(policy, database, key_file) as hogo:
        if interval is not None:
            hogo.outsourcing.review_interval_months = interval
        data = report_data(hogo.outsourcing, day)
    if fmt is ReportFormat.json:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        _emit(text, output)
    elif fmt is ReportFormat.csv:
        _emit(_csv(data), output)
    else:
        console = Console(file=output.open("w", encoding="utf-8"), width=200) if output else out
        _tables(console, data)
        if output:
            console.file.close()
    if strict and _findings(data):
        raise typer.Exit(1)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def _csv(data: dict) -> str:
    """One sheet: a ``section`` column (still_out / review) over the union of both sections' columns."""
    import io

    columns = ["section", "as_of", *dict.fromkeys((*STILL_OUT_COLUMNS, *REVIEW_COLUMNS))]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for section, lines in (("still_out", data["still_out"]), ("review", data["reviews"])):
        for line in lines:
            writer.writerow({"section": section, "as_of": data["as_of"], **{k: _cell(v) for k, v in line.items()}})
    return buf.getvalue()


def _tables(console: Console, data: dict) -> None:
    still = Table(title=f"委託先にある個人データ / data still out — {data['as_of']}")
    for col, justify in (("outsourcee", "left"), ("country", "left"), ("contract ends", "left"),
                         ("state", "left"), ("subjects", "right"), ("items", "left"), ("since", "left"),
                         ("days overdue", "right")):
        still.add_column(col, justify=justify)  # type: ignore[arg-type]
    for ln in data["still_out"]:
        state = f"[red]{ln['state']}[/red]" if ln["state"] == "overdue" else ln["state"]
        still.add_row(ln["outsourcee_name"] or ln["outsourcee_id"], ln["country"], ln["contract_ends_on"] or "—",
                      state, str(ln["subjects"]), ", ".join(ln["items"]), ln["since"][:10],
                      str(ln["days_overdue"] or ""))
    console.print(still)
    reviews = Table(title=f"委託先の監督 / supervision (review every {data['review_interval_months']} months)")
    for col in ("outsourcee", "country", "evaluation", "last review", "review due", "review", "contract",
                "missing clauses", "data out", "findings"):
        reviews.add_column(col)
    for ln in data["reviews"]:
        last = max((d for d in (ln["evaluated_on"], ln["supervised_on"]) if d), default=None)
        state = ln["review_state"]
        if state in ("overdue", "never"):
            state = f"[red]{state}[/red]"
        elif state == "due":
            state = f"[yellow]{state}[/yellow]"
        reviews.add_row(ln["outsourcee_name"] or ln["outsourcee_id"], ln["country"], ln["evaluation_outcome"] or "—",
                        last or "—", ln["review_due"] or "—", state,
                        (ln["contract_ends_on"] or "open-ended") if ln["contract_id"] else "[red]none[/red]",
                        ", ".join(ln["missing_clauses"]), str(ln["data_out"]),
                        ", ".join(ln["findings"]) + (f"\n[dim]{escape('; '.join(ln['notes']))}[/dim]"
                                                     if ln["notes"] else ""))
    console.print(reviews)
    console.print(f"abroad: {data['abroad']} outsourcee(s), {data['abroad_non_equivalent']} outside the EU/EEA/UK "
                  f"(Art. 28); overdue data: {sum(1 for ln in data['still_out'] if ln['state'] == 'overdue')} "
                  f"contract(s); outsourcees with findings: {sum(1 for ln in data['reviews'] if ln['findings'])}",
                  highlight=False)
