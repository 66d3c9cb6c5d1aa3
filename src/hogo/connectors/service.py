"""External SQL databases a data-subject request must reach (disclosure collects, erasure deletes or nulls).

The program declares each database (``connectors:`` in hogo.yaml): its SQLAlchemy URL, and per table the
column that identifies the person, the vault item (or ``external_ref``) whose value is that key, and which
columns hold which items. Statements are built from SQLAlchemy Core ``table()``/``column()`` constructs
with bound parameters — no reflection (the external schema may be large and is not ours) and never
string-formatted SQL. Collecting runs in a read-only transaction that is rolled back; erasure is the only
writer, one transaction per connector. Engines hide bound parameters, so a driver error never carries a
person's value into a log or an exception; nothing here logs values.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import column, create_engine, delete, select, table, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from hogo.policy.models import Connector, ConnectorTable, Policy

EXTERNAL_REF = "external_ref"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConnectorError(ValueError):
    """A connector cannot be used: names the connector field and the rule, never a value or a password."""

    def __init__(self, field: str, rule: str, message: str):
        self.field, self.rule, self.message = field, rule, message
        super().__init__(f"{field}: {message} [{rule}]")


def expand_url(url: str, env: Mapping[str, str] | None = None, *, where: str = "url") -> str:
    """``${VAR}`` placeholders from the environment; a missing variable is named (its value never is)."""
    env = os.environ if env is None else env

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in env:
            raise ConnectorError(where, "CONN-ENV", f"environment variable {name} is not set")
        return env[name]

    return _PLACEHOLDER.sub(sub, url)


def _text(value: object) -> str | None:
    """A column value as the package shows it (text; dates ISO; bytes as hex)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


@dataclass(frozen=True)
class ConnectorRows:
    """The person's rows in one external table, with where they came from and what each column holds."""

    connector_id: str
    connector_name: str
    table: str  # schema-qualified when the program names a schema
    subject_key: str
    key_item: str
    columns: dict[str, str]  # column -> item id
    rows: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return f"{self.connector_id}:{self.table}"


@dataclass(frozen=True)
class ErasureCount:
    """What erasure did in one external table."""

    connector_id: str
    table: str
    action: str  # delete_row | null_columns
    rows: int
    nulled_columns: tuple[str, ...] = ()
    kept_columns: tuple[str, ...] = ()


def _qualified(t: ConnectorTable) -> str:
    return f"{t.db_schema}.{t.table}" if t.db_schema else t.table


def _table(t: ConnectorTable):
    names = dict.fromkeys([t.subject_key, *t.columns])
    return table(t.table, *(column(n) for n in names), schema=t.db_schema)


class Connectors:
    """The program's external databases. Engines are made lazily and cached; :meth:`close` disposes them."""

    def __init__(self, policy: Policy, *, env: Mapping[str, str] | None = None,
                 engines: Mapping[str, Engine] | None = None):
        self.policy = policy
        self.env = env
        self._engines: dict[str, Engine] = dict(engines or {})
        self._owned: set[str] = set()

    @property
    def declared(self) -> list[Connector]:
        return list(self.policy.connectors)

    def key_items(self) -> set[str]:
        """The identifying keys the connectors need (item ids and/or ``external_ref``)."""
        return {t.key_item for c in self.policy.connectors for t in c.tables}

    def connector(self, connector_id: str) -> Connector:
        for c in self.policy.connectors:
            if c.id == connector_id:
                return c
        raise ConnectorError("connector_id", "CONN-UNKNOWN", f"{connector_id!r} is not a connector of the program")

    def engine(self, connector_id: str) -> Engine:
        if connector_id not in self._engines:
            conn = self.connector(connector_id)
            index = self.policy.connectors.index(conn)
            where = f"connectors[{index}].url"
            try:
                url = make_url(expand_url(conn.url, self.env, where=where))
            except ConnectorError:
                raise
            except Exception:  # the URL may hold a password: never repeat it
                raise ConnectorError(where, "CONN-URL", "not a valid SQLAlchemy URL") from None
            if url.drivername in ("postgresql", "postgres"):
                url = url.set(drivername="postgresql+psycopg")  # the driver hogo ships with
            # A plain engine, not hogo's own (whose SQLite settings — WAL, BEGIN IMMEDIATE — would change
            # someone else's database); parameters hidden so a driver error never carries a value.
            self._engines[connector_id] = create_engine(url, hide_parameters=True, pool_pre_ping=True)
            self._owned.add(connector_id)
        return self._engines[connector_id]

    def close(self) -> None:
        for cid in self._owned:
            self._engines.pop(cid).dispose()
        self._owned.clear()

    # --- disclosure -----------------------------------------------------------------------------------------

    def collect(self, subject_key_values: Mapping[str, str | None]) -> list[ConnectorRows]:
        """The person's rows in every declared table whose key we know (``key_item -> value``).

        A table whose key the person has no value for yields no rows (it cannot hold them).
        """
        out: list[ConnectorRows] = []
        for conn in self.policy.connectors:
            wanted = [(t, subject_key_values.get(t.key_item)) for t in conn.tables]
            fetched: dict[int, list[dict[str, str | None]]] = {}
            if any(v is not None for _, v in wanted):
                engine = self.engine(conn.id)
                try:
                    with engine.connect() as db:
                        if engine.dialect.name == "postgresql":
                            db = db.execution_options(postgresql_readonly=True)
                        for i, (t, key) in enumerate(wanted):
                            if key is None:
                                continue
                            tab = _table(t)
                            cols = list(t.columns)
                            stmt = select(*(tab.c[c] for c in cols)).where(tab.c[t.subject_key] == key)
                            fetched[i] = [{c: _text(v) for c, v in zip(cols, row, strict=True)}
                                          for row in db.execute(stmt)]
                        db.rollback()
                except SQLAlchemyError as exc:
                    raise ConnectorError(f"connectors.{conn.id}", "CONN-READ",
                                         f"reading failed ({type(exc).__name__})") from None
            for i, (t, _) in enumerate(wanted):
                out.append(ConnectorRows(conn.id, str(conn.name), _qualified(t), t.subject_key, t.key_item,
                                         dict(t.columns), fetched.get(i, [])))
        return out

    # --- erasure --------------------------------------------------------------------------------------------

    def erase(self, subject_key_values: Mapping[str, str | None], *,
              keep: Mapping[str, set[str]] | None = None) -> list[ErasureCount]:
        """Delete the person's rows or null their personal columns, one transaction per connector.

        ``keep`` maps a qualified table name (``connector_id:table``) to items that must stay (a retention
        obligation): in a ``delete_row`` table any kept item turns the delete into nulling the other columns;
        in a ``null_columns`` table those columns are left, like the program's ``keep_columns``.
        """
        keep = keep or {}
        out: list[ErasureCount] = []
        for conn in self.policy.connectors:
            todo = [(t, subject_key_values.get(t.key_item)) for t in conn.tables]
            if all(v is None for _, v in todo):
                continue
            engine = self.engine(conn.id)
            counts: list[ErasureCount] = []
            try:
                with engine.begin() as db:
                    for t, key in todo:
                        if key is None:
                            continue
                        tab = _table(t)
                        name = _qualified(t)
                        kept_items = keep.get(f"{conn.id}:{name}", set())
                        kept = tuple(c for c, item in t.columns.items()
                                     if c in t.keep_columns or item in kept_items or c == t.subject_key)
                        where = tab.c[t.subject_key] == key
                        if t.on_erasure == "delete_row" and not (kept_items & set(t.columns.values())):
                            n = db.execute(delete(tab).where(where)).rowcount
                            counts.append(ErasureCount(conn.id, name, "delete_row", n))
                            continue
                        nulled = tuple(c for c in t.columns if c not in kept)
                        n = db.execute(update(tab).where(where).values({c: None for c in nulled})).rowcount \
                            if nulled else 0
                        counts.append(ErasureCount(conn.id, name, "null_columns", n, nulled, kept))
            except SQLAlchemyError as exc:
                raise ConnectorError(f"connectors.{conn.id}", "CONN-ERASE",
                                     f"erasure failed and was rolled back ({type(exc).__name__})") from None
            out.extend(counts)
        return out
