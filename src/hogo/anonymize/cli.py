"""``hogo anonymize`` and ``hogo pseudonymize``: make processed data sets, verify them, decide their provision.

    hogo anonymize SPEC.yaml --input data.csv --output out.parquet      # = hogo anonymize run …
    hogo anonymize SPEC.yaml --from-vault --subject-type customer --purpose P --actor NAME --output out.parquet \
        --policy hogo.yaml --database URL --key-file hogo.key             # straight from the vault, no plaintext file
    hogo anonymize verify out.parquet --spec SPEC.yaml
    hogo pseudonymize SPEC.yaml --input data.csv --output out/p.parquet --key-file keys/p.key
    hogo anonymize provide out.parquet --recipient partner --statement-given --statement-method email

Exit codes: 0 done / allowed / verified, 1 refused, invalid spec or failed verification, 2 usage errors.
Heavy imports (Polars, the engine) happen inside the commands so ``hogo --help`` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from hogo.cli_support import KeyFileOption, actor_named, clear_errors, cli_session

__all__ = ["anonymize_app", "pseudonymize_app", "synthetic_customers"]

out = Console()
err = Console(stderr=True)


class _DefaultRun(TyperGroup):
    """``hogo anonymize SPEC …`` means ``hogo anonymize run SPEC …`` (the issue's form), subcommands still work."""

    def parse_args(self, ctx, args):  # noqa: ANN001 - click's signature
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


anonymize_app = typer.Typer(cls=_DefaultRun, no_args_is_help=True,
                            help="Anonymously processed information (匿名加工情報, Act 43; Rules 34). "
                                 "`hogo anonymize SPEC.yaml --input … --output …` runs `run`.")
pseudonymize_app = typer.Typer(cls=_DefaultRun, no_args_is_help=True,
                               help="Pseudonymously processed information (仮名加工情報, Act 41; Rules 31). "
                                    "`hogo pseudonymize SPEC.yaml …` runs `run`.")


class Fmt(StrEnum):
    table = "table"
    json = "json"


SpecArg = Annotated[Path, typer.Argument(help="the processing spec (SPEC.yaml)", show_default=False)]
InputOpt = Annotated[str | None, typer.Option("--input", "-i",
                                              help="CSV or Parquet file, or a SQLAlchemy URL with --table")]
FromVaultOpt = Annotated[bool, typer.Option("--from-vault", help="read the spec's items from the vault (purpose-bound, "
                                                                "audited, never written out as plaintext)")]
SubjectTypeOpt = Annotated[str | None, typer.Option("--subject-type", help="with --from-vault: whose data, e.g. customer")]
PurposeOpt = Annotated[str | None, typer.Option("--purpose", help="with --from-vault: the purpose the data is used for")]
ChunkOpt = Annotated[int, typer.Option("--chunk", min=1, help="with --from-vault: subjects per read (and audit entry)")]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="the processed file to write")]
TableOpt = Annotated[str | None, typer.Option("--table", help="table name when --input is a database URL")]
PolicyOpt = Annotated[Path, typer.Option("--policy", "-p", help="the program (hogo.yaml)")]
DbOpt = Annotated[str | None, typer.Option("--database", help="database URL (default HOGO_DATABASE_URL)")]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="who runs it (for the record and the audit)")]
FmtOpt = Annotated[Fmt, typer.Option("--format", help="table for people, json for machines")]


def _fail(exc: Exception, code: int = 1) -> NoReturn:
    """Print a spec / standards / policy error (field, rule, line) and exit ``code`` — never a value."""
    problems = getattr(exc, "problems", None)
    if problems is not None:
        for p in problems:
            err.print(f"[red]error[/red] {exc.path}:{p.line}: {p.field}: {p.message}", highlight=False,
                      soft_wrap=True)
    else:
        err.print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _clear(*errors: type[Exception]):
    """The listed errors (spec, standards, policy: all name field, rule and line) as :func:`_fail` prints them."""
    return clear_errors(*errors, report=_fail)


@contextmanager
def _anonymizer(policy: Path, database: str | None) -> Iterator:
    """The anonymizer on the program's database (no master key needed); its engine is always released."""
    from hogo.anonymize.service import Anonymizer
    from hogo.db import make_engine, migrate, session_factory
    from hogo.policy.loader import load

    loaded = load(policy)
    engine = make_engine(database)
    try:
        migrate(engine)
        yield Anonymizer(loaded.policy, session_factory(engine))
    finally:
        engine.dispose()


def _report(created, fmt: Fmt) -> None:
    report = created.report
    if fmt is Fmt.json:
        payload = {"record_id": created.record_id, "kind": created.kind, "output": str(created.output),
                   "output_sha256": created.output_sha256, "manifest": str(created.manifest),
                   "key_id": created.key_id, "report": report.to_dict(),
                   "obligations": [{"code": o.code, "duty": o.duty, "met": o.met} for o in created.obligations]}
        out.print_json(json.dumps(payload, ensure_ascii=False, default=str))
        return
    t = Table(title=f"{report.kind} — {report.dataset}: {report.rows_in} → {report.rows_out} rows")
    for col in ("standard", "article", "column", "action", "count", "detail"):
        t.add_column(col, overflow="fold")
    for e in report.standards:
        if not e.actions and not e.findings:
            t.add_row(e.id, e.code, "—", "nothing to do", "0", e.en)
        for a in e.actions:
            t.add_row(e.id, e.code, a.column, a.action, str(a.count), a.detail)
        for f in e.findings:
            style = "red" if f.severity == "error" else "yellow"
            t.add_row(e.id, e.code, f.column, f"[{style}]detected {f.kind}[/]", str(f.cells),
                      f"of {f.sampled} sampled values — check the column's role")
    out.print(t)
    if report.privacy:
        m, a = report.privacy.get("model", {}), report.privacy.get("achieved", {})
        p = Table(title="privacy model (Rules 34(5))")
        for col in ("measure", "required", "achieved"):
            p.add_column(col)
        p.add_row("k", str(m.get("k")), str(a.get("k")))
        if m.get("l") is not None:
            p.add_row(f"l ({m.get('l_variant')})", str(m.get("l")), str(a.get("l_distinct")))
        if m.get("t") is not None:
            p.add_row("t", str(m.get("t")), f"{a.get('t'):.4f}" if a.get("t") is not None else "—")
        p.add_row("suppressed rows", f"≤ {m.get('suppression_limit')}", str(a.get("suppressed")))
        p.add_row("levels", "", ", ".join(f"{c}={lv}" for c, lv in report.privacy.get("levels", {}).items()))
        out.print(p)
    o = Table(title="obligations after creation")
    for col in ("article", "duty", "status"):
        o.add_column(col)
    for ob in created.obligations:
        status = "continuing" if ob.met is None else ("[green]met[/]" if ob.met else "[red]to do[/]")
        o.add_row(ob.code, ob.duty, status)
    out.print(o)
    out.print(f"wrote {created.output} (sha256 {created.output_sha256[:16]}…), manifest {created.manifest.name}, "
              f"record {created.record_id}")


def _source(input: str | None, from_vault: bool, table: str | None, subject_type: str | None, purpose: str | None,
            actor: str | None) -> None:
    """Exactly one input: a file / table (--input) or the vault (--from-vault, which needs whose data, for which
    purpose and who asks — the access room decides on those three). Usage errors exit 2."""
    if (input is None) == (not from_vault):
        raise typer.BadParameter("give either --input (a file or table) or --from-vault, not both or neither",
                                 param_hint="--input / --from-vault")
    if from_vault:
        if table is not None:
            raise typer.BadParameter("--table goes with a database URL in --input, not with --from-vault",
                                     param_hint="--table")
        for hint, value in (("--subject-type", subject_type), ("--purpose", purpose), ("--actor", actor)):
            if not value:
                raise typer.BadParameter("--from-vault needs --subject-type, --purpose and --actor "
                                         "(access is decided for an actor and a purpose)", param_hint=hint)


@contextmanager
def _vault(policy: Path, database: str | None, key_file: Path, actor: str) -> Iterator:
    """The facade (the vault needs the master key) and the actor's id by name; a refusal prints the withheld items
    with their reason codes and the audit entry, then exits 1."""

    from hogo.access.service import AccessDenied

    with cli_session(policy, database, key_file) as hogo:
        actor_id = actor_named(hogo, actor)
        try:
            yield hogo, actor_id
        except AccessDenied as exc:
            err.print(f"[red]refused[/red] {exc}", highlight=False, soft_wrap=True)
            for item, codes in exc.withheld.items():
                err.print(f"  items.{item}: {', '.join(codes)}", highlight=False)
            raise typer.Exit(1) from None


@anonymize_app.command("run")
def anonymize_run(spec: SpecArg, output: OutputOpt, input: InputOpt = None, table: TableOpt = None,
                  from_vault: FromVaultOpt = False, subject_type: SubjectTypeOpt = None, purpose: PurposeOpt = None,
                  policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None, actor: ActorOpt = None,
                  key_file: KeyFileOption = Path("hogo.key"),
                  chunk: ChunkOpt = 5000, fmt: FmtOpt = Fmt.table) -> None:
    """Apply the five processing standards (Rules 34(1)–(5)) and write the set, its manifest and its record."""
    from hogo.anonymize.service import read_input
    from hogo.anonymize.spec import load_spec

    _source(input, from_vault, table, subject_type, purpose, actor)
    with _clear(ValueError):  # SpecError, StandardsError and PolicyError are ValueErrors
        loaded = load_spec(spec)
        if from_vault:
            assert subject_type and purpose and actor  # _source checked
            with _vault(policy, database, key_file, actor) as (hogo, actor_id):
                created = hogo.anonymizer.anonymize_from_vault(loaded, hogo.access, output, actor_id=actor_id,
                                                               subject_type=subject_type, purpose_id=purpose,
                                                               chunk=chunk)
        else:
            with _anonymizer(policy, database) as anonymizer:
                created = anonymizer.anonymize(loaded, read_input(input, table=table), output, actor_id=actor)
    _report(created, fmt)


@pseudonymize_app.command("run")
def pseudonymize_run(spec: SpecArg, output: OutputOpt,
                     key_file: Annotated[Path, typer.Option("--key-file", help="HMAC key (deletion information); "
                                                            "created if missing; must be apart from the output")],
                     input: InputOpt = None,
                     mapping_out: Annotated[Path | None, typer.Option(
                         "--mapping-out", help="also write the token ↔ value table (deletion information), apart")] = None,
                     table: TableOpt = None, from_vault: FromVaultOpt = False, subject_type: SubjectTypeOpt = None,
                     purpose: PurposeOpt = None, policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None,
                     actor: ActorOpt = None,
                     master_key_file: Annotated[Path, typer.Option(
                         "--master-key-file", envvar="HOGO_KEY_FILE",
                         help="with --from-vault: the vault's master key file (--key-file is the HMAC key here)")]
                     = Path("hogo.key"),
                     chunk: ChunkOpt = 5000, fmt: FmtOpt = Fmt.table) -> None:
    """Apply Rules 31(1)–(3): keyed tokens, codes and card / account numbers deleted; key kept apart."""
    from hogo.anonymize.service import read_input
    from hogo.anonymize.spec import load_spec

    _source(input, from_vault, table, subject_type, purpose, actor)
    with _clear(ValueError):  # SpecError, StandardsError and PolicyError are ValueErrors
        loaded = load_spec(spec)
        if from_vault:
            assert subject_type and purpose and actor  # _source checked
            with _vault(policy, database, master_key_file, actor) as (hogo, actor_id):
                created = hogo.anonymizer.pseudonymize_from_vault(
                    loaded, hogo.access, output, key_file=key_file, mapping_out=mapping_out, actor_id=actor_id,
                    subject_type=subject_type, purpose_id=purpose, chunk=chunk)
        else:
            with _anonymizer(policy, database) as anonymizer:
                created = anonymizer.pseudonymize(loaded, read_input(input, table=table), output, key_file=key_file,
                                                  mapping_out=mapping_out, actor_id=actor)
    _report(created, fmt)


@anonymize_app.command("verify")
def anonymize_verify(file: Annotated[Path, typer.Argument(help="a processed file (Parquet or CSV)")],
                     spec: Annotated[Path, typer.Option("--spec", help="the spec naming quasi-identifiers and model")],
                     fmt: FmtOpt = Fmt.table) -> None:
    """Re-check k, l and t on any file against the spec's privacy model; exit 1 if it does not hold."""
    from hogo.anonymize.service import read_input
    from hogo.anonymize.spec import load_spec
    from hogo.anonymize.standards import privacy_model
    from hogo.anonymize.verify import verify

    with _clear(ValueError):  # SpecError and StandardsError are ValueErrors
        loaded = load_spec(spec)
        if loaded.spec.privacy is None:
            raise loaded.error(("privacy",), "verification needs a privacy model (rule: Rules 34(5))")
        frame = read_input(file)
        quasi = list(loaded.spec.columns.quasi_identifiers)
        missing = [c for c in quasi if c not in frame.columns]
        if missing:
            raise loaded.error(("columns", "quasi_identifiers", missing[0]),
                               f"quasi-identifier {missing[0]!r} is not in the file (rule: declared columns exist)")
        sens = loaded.spec.columns.sensitive[0] if loaded.spec.columns.sensitive else None
        model = privacy_model(loaded)
        v = verify(frame, quasi, sens, model)
    row = {"file": str(file), "rows": frame.height, "k": v.k, "l_distinct": v.l_distinct,
           "recursive_cl_ok": v.recursive_cl_ok, "t": v.t, "classes": v.classes, "suppressed": v.suppressed,
           "ok": v.ok, "required": {"k": model.k, "l": model.l, "t": model.t}}
    if fmt is Fmt.json:
        out.print_json(json.dumps(row, default=str))
    else:
        t = Table(title=f"verify {file.name}")
        for col in ("measure", "required", "found"):
            t.add_column(col)
        t.add_row("k", str(model.k), str(v.k))
        if model.l is not None:
            t.add_row(f"l ({model.l_variant})", str(model.l),
                      str(v.l_distinct) + ("" if model.l_variant == "distinct" else f" (c,l) ok={v.recursive_cl_ok}"))
        if model.t is not None:
            t.add_row("t", str(model.t), "—" if v.t is None else f"{v.t:.4f}")
        t.add_row("classes", "", str(v.classes))
        t.add_row("suppressed", "", str(v.suppressed))
        out.print(t)
        out.print("[green]holds[/]" if v.ok else "[red]does not hold[/]")
    raise typer.Exit(0 if v.ok else 1)


def _provide(file: Path, recipient: str, basis: str | None, statement_given: bool, statement_method: str | None,
             method: str | None, policy: Path, database: str | None, actor: str | None, fmt: Fmt) -> None:
    with _clear(ValueError), _anonymizer(policy, database) as anonymizer:  # StandardsError, PolicyError too
        outcome = anonymizer.provide_file(file, recipient=recipient, basis=basis, statement_given=statement_given,
                                          statement_method=statement_method, method=method, actor_id=actor)
    d = outcome.decision
    if fmt is Fmt.json:
        out.print_json(json.dumps({"allowed": d.allowed, "reasons": list(d.reasons), "requirement": d.requirement,
                                   "note": d.note, "provision_id": outcome.provision_id}))
    else:
        out.print(("[green]allowed[/]" if d.allowed else "[red]refused[/]") + f" — {d.note}")
        for line in d.messages("ja"):
            out.print(f"  {line}", highlight=False)
    raise typer.Exit(0 if d.allowed else 1)


RecipientOpt = Annotated[str, typer.Option("--recipient", help="who receives the set")]
BasisOpt = Annotated[str | None, typer.Option("--basis", help="outsourcing / succession / joint_use / exception_laws")]
StatementOpt = Annotated[bool, typer.Option("--statement-given", help="the recipient was told what the set is (明示)")]
StatementMethodOpt = Annotated[str | None, typer.Option("--statement-method", help="email / paper … (Rules 37)")]
MethodOpt = Annotated[str | None, typer.Option("--method", help="how the set is provided")]


@anonymize_app.command("provide")
def anonymize_provide(file: Annotated[Path, typer.Argument(help="the processed file")], recipient: RecipientOpt,
                      basis: BasisOpt = None, statement_given: StatementOpt = False,
                      statement_method: StatementMethodOpt = None, method: MethodOpt = None,
                      policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None, actor: ActorOpt = None,
                      fmt: FmtOpt = Fmt.table) -> None:
    """Decide and record the provision of a processed file (Act 43(4)/44; pseudonymized: 41(6)); exit 1 if refused."""
    _provide(file, recipient, basis, statement_given, statement_method, method, policy, database, actor, fmt)


@pseudonymize_app.command("provide")
def pseudonymize_provide(file: Annotated[Path, typer.Argument(help="the pseudonymized file")], recipient: RecipientOpt,
                         basis: BasisOpt = None, policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None,
                         actor: ActorOpt = None, fmt: FmtOpt = Fmt.table) -> None:
    """Pseudonymized data goes to no third party (Act 41(6)): only outsourcing, succession, joint use, laws."""
    _provide(file, recipient, basis, False, None, None, policy, database, actor, fmt)


@anonymize_app.command("publish")
def anonymize_publish(record_id: Annotated[str, typer.Argument(help="the creation record id")],
                      method: Annotated[bool, typer.Option("--method", help="the provision method too")] = False,
                      policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None, actor: ActorOpt = None) -> None:
    """Record that the items contained (Act 43(3)) — and with --method the provision method (43(4)) — are published."""
    from hogo.anonymize.standards import StandardsError
    from hogo.policy.loader import PolicyError

    with _clear(StandardsError, PolicyError), _anonymizer(policy, database) as anonymizer:
        row = anonymizer.publish(record_id, method=method, actor_id=actor)
    out.print(f"published items of {row.dataset} on {row.published_on}"
              + (f"; method on {row.method_published_on}" if method else ""))


@anonymize_app.command("list")
def anonymize_list(policy: PolicyOpt = Path("hogo.yaml"), database: DbOpt = None) -> None:
    """The creation records of processed data sets."""
    from hogo.policy.loader import PolicyError

    with _clear(PolicyError), _anonymizer(policy, database) as anonymizer:
        rows = anonymizer.datasets()
    t = Table(title="processed data sets")
    for col in ("record", "dataset", "kind", "created", "rows", "published", "output"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r.id, r.dataset, r.kind, r.created_at.isoformat(timespec="seconds"), str(r.rows_out),
                  str(r.published_on or "—"), r.output_name)
    out.print(t)


@anonymize_app.command("sample")
def anonymize_sample(output: Annotated[Path, typer.Argument(help="CSV file to write")],
                     rows: Annotated[int, typer.Option(min=1, help="number of rows")] = 1000,
                     seed: Annotated[int, typer.Option(help="random seed")] = 0) -> None:
    """Write a synthetic Japanese customer table (Faker ja_JP, seeded) to try the specs on."""
    synthetic_customers(rows, seed).write_csv(output)
    out.print(f"wrote {rows} synthetic rows to {output}")


def synthetic_customers(rows: int, seed: int = 0):
    """A seeded synthetic table: names, addresses, phones, e-mails, My Numbers, card numbers, and attributes.

    Every value is generated (Faker ja_JP; My Numbers with a valid check digit); no real person is in it.
    """
    import numpy as np
    import polars as pl
    from faker import Faker

    from hogo.law.mynumber import my_number_check_digit

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    names = [fake.name() for _ in range(rows)]
    addresses = [fake.address() for _ in range(rows)]
    phones = [fake.phone_number() for _ in range(rows)]
    emails = [fake.email() for _ in range(rows)]
    cards = [fake.credit_card_number(card_type="visa16") for _ in range(rows)]
    bases = [f"{int(x):011d}" for x in rng.integers(10**10, 10**11, size=rows)]
    my_numbers = [b + str(my_number_check_digit(b)) for b in bases]
    ages = np.clip(rng.normal(45, 15, size=rows).round(), 18, 104).astype(int)
    if rows > 2:
        ages[0] = 103  # a peculiar description: very old age
    occupations = rng.choice(["会社員", "公務員", "自営業", "パート", "学生", "無職", "医師", "農業"], size=rows,
                             p=[0.4, 0.1, 0.12, 0.15, 0.08, 0.1, 0.02, 0.03])
    return pl.DataFrame({
        "customer_id": [f"C{seed:02d}{i:07d}" for i in range(rows)],
        "name": names,
        "address": addresses,
        "phone": phones,
        "email": emails,
        "my_number": my_numbers,
        "card_number": cards,
        "age": ages,
        "sex": rng.choice(["男", "女"], size=rows),
        "occupation": occupations,
        "income": (rng.lognormal(15.2, 0.5, size=rows) // 10_000 * 10_000).astype(int),
        "loan_status": rng.choice(["完済", "返済中", "延滞"], size=rows, p=[0.5, 0.42, 0.08]),
    })
