"""Core statements compiled once and run straight on the DBAPI connection.

For the autosave path only (record a response, write its audit records). Measured here:
the same three statements cost about 0.25 ms more per save through SQLAlchemy's execution
machinery than on the DBAPI cursor, which is more than the raw commit itself. The SQL still
comes from the Core statements compiled for the engine's dialect (so it follows the tables),
and values go through the column types' own bind/result processors (so rows read and written
here are the same as those written through SQLAlchemy). It runs inside the caller's
SQLAlchemy transaction, on that transaction's connection, and ``Database.write`` translates
its raw ``sqlite3`` errors like every other. Result columns are named from the statement
(by position), not from ``cursor.description``, whose names SQLite leaves unspecified.
Columns with Python-side defaults are not supported (none of these tables has one; a test
checks that).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine


class Prepared:
    def __init__(
        self,
        stmt: ClauseElement,
        dialect: Dialect,
        *,
        column_keys: Sequence[str] | None = None,
        types: Mapping[str, TypeEngine[Any]] | None = None,
        result_types: Mapping[str, TypeEngine[Any]] | None = None,
    ) -> None:
        compiled = cast(
            SQLCompiler, stmt.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        )
        self.sql = str(compiled)
        selected = getattr(stmt, "selected_columns", None)
        self.columns: list[str] = list(selected.keys()) if selected is not None else []
        self.positional = bool(compiled.positional)
        self.names: list[str] = list(compiled.positiontup or []) if self.positional else []
        self.defaults: dict[str, Any] = dict(compiled.params)
        self.bind = {
            n: p for n, t in (types or {}).items() if (p := t.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.result = {
            n: p
            for n, t in (result_types or {}).items()
            if (p := t.dialect_impl(dialect).result_processor(dialect, None)) is not None
        }

    def params(self, values: Mapping[str, Any]) -> Any:
        merged = {**self.defaults, **values}
        for name, proc in self.bind.items():
            if name in merged:
                merged[name] = proc(merged[name])
        return tuple(merged[n] for n in self.names) if self.positional else merged

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(self.sql, self.params(values))
        return cursor

    def executemany(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(self.sql, [self.params(r) for r in rows])
        cursor.close()

    def first(self, conn: Connection, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict by column name, with result processors applied."""
        cursor = self.execute(conn, values)
        row = cursor.fetchone()
        names = self.columns or ([d[0] for d in cursor.description] if cursor.description else [])
        cursor.close()
        if row is None:
            return None
        out = dict(zip(names, row, strict=True))
        for name, proc in self.result.items():
            if name in out:
                out[name] = proc(out[name])
        return out
