"""The hash-chained audit trail: writing records in the caller's transaction, and verifying.

Every create, update and delete of session data adds records in the same transaction as
the change. A record's hash covers all its columns and the previous record's hash, so
changing, removing or inserting a record breaks the chain from there on. Verifying also
replays the trail and compares the result with the tables, so a data row changed behind
the app's back is found too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from mockinspect.domain.audit import Change, TrailAction, TrailHead, TrailProblem, TrailRecord, TrailReport
from mockinspect.domain.frozen import content_key
from mockinspect.store.prepared import Prepared
from mockinspect.store.tables import AUDITED, audited_columns, findings_t, frozen_t, meta_t, trail_t

GENESIS = "0" * 64
_trail = trail_t
_LAST = select(_trail.c.seq, _trail.c.hash).order_by(_trail.c.seq.desc()).limit(1)
LAST_SEQ = select(_trail.c.seq).order_by(_trail.c.seq.desc()).limit(1).scalar_subquery()
LAST_HASH = select(_trail.c.hash).order_by(_trail.c.seq.desc()).limit(1).scalar_subquery()
_TRAIL_COLUMNS = [c.name for c in _trail.columns]
_prepared: dict[str, Prepared] = {}


def _prepared_insert(conn: Connection) -> Prepared:
    dialect = conn.dialect
    found = _prepared.get(dialect.name)
    if found is None:
        found = _prepared[dialect.name] = Prepared(insert(_trail), dialect, column_keys=_TRAIL_COLUMNS)
    return found


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def record_hash(row: Mapping[Any, Any]) -> str:
    payload = json.dumps(
        [
            row["seq"],
            row["at"],
            row["who"],
            row["action"],
            row["entity"],
            row["entity_id"],
            row["session_id"],
            row["field"],
            row["old_value"],
            row["new_value"],
            row["reason"],
            row["prev_hash"],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entity_key(entity: str, values: Mapping[Any, Any]) -> str:
    _, keys = AUDITED[entity]
    return ":".join(str(values[k]) for k in keys)


class AuditWriter:
    """Collects the records of one transaction; ``flush`` chains and inserts them."""

    def __init__(self, who: str, at: datetime, reason: str | None = None) -> None:
        self.who = who
        self.moment = at
        self.at = utc_stamp(at)
        self.reason = reason
        self._pending: list[dict[str, Any]] = []
        self.last: tuple[int | None, str | None] | None = None  # set by a caller that read it
        self.changes: list[Change] = []  # what this transaction touched, for the listeners
        self.head: TrailHead | None = None  # the trail head after ``flush``, if it wrote records

    def touch(self, entity: str, entity_id: str, session_id: str | None, action: str = "save") -> None:
        """Note a change that has no trail record (a draft), so listeners still hear of it."""
        self.changes.append(Change(entity, entity_id, session_id, action))

    def _add(self, action: TrailAction, entity: str, entity_id: str, session_id: str | None, **kw: Any) -> None:
        self.changes.append(Change(entity, entity_id, session_id, action.value))
        self._pending.append(
            {
                "at": self.at,
                "who": self.who,
                "action": action.value,
                "entity": entity,
                "entity_id": entity_id,
                "session_id": session_id,
                "field": kw.get("field"),
                "old_value": kw.get("old_value"),
                "new_value": kw.get("new_value"),
                "reason": self.reason,
            }
        )

    def created(self, entity: str, session_id: str | None, values: Mapping[Any, Any]) -> None:
        record = {c: values.get(c) for c in audited_columns(entity)}
        self._add(TrailAction.CREATE, entity, entity_key(entity, values), session_id, new_value=dumps(record))

    def updated(
        self, entity: str, entity_id: str, session_id: str | None, old: Mapping[Any, Any], new: Mapping[Any, Any]
    ) -> None:
        audited = audited_columns(entity)
        for name, value in new.items():
            if name in audited and jsonable(old.get(name)) != jsonable(value):
                self._add(
                    TrailAction.UPDATE,
                    entity,
                    entity_id,
                    session_id,
                    field=name,
                    old_value=dumps(old.get(name)),
                    new_value=dumps(value),
                )

    def deleted(self, entity: str, session_id: str | None, values: Mapping[Any, Any]) -> None:
        record = {c: values.get(c) for c in audited_columns(entity)}
        self._add(TrailAction.DELETE, entity, entity_key(entity, values), session_id, old_value=dumps(record))

    @property
    def empty(self) -> bool:
        return not self._pending

    def flush(self, conn: Connection, last: tuple[int | None, str | None] | None = None) -> None:
        """Chain the pending records to the newest one and insert them.

        ``last`` is the newest (seq, hash) if the caller already read it in this transaction.
        """
        if not self._pending:
            return
        if last is None:
            newest = conn.execute(_LAST).first()
            last = (newest[0], newest[1]) if newest else (None, None)
        seq, prev = (last[0], last[1] or GENESIS) if last[0] is not None else (0, GENESIS)
        for row in self._pending:
            seq += 1
            row["seq"] = seq
            row["prev_hash"] = prev
            row["hash"] = prev = record_hash(row)
        _prepared_insert(conn).executemany(conn, self._pending)
        self._pending = []
        self.head = TrailHead(seq, prev)


def _to_record(row: Any) -> TrailRecord:
    m = dict(row._mapping)
    return TrailRecord(**{**m, "action": TrailAction(m["action"])})


def head(conn: Connection, session_id: str | None = None) -> TrailHead:
    """The number of trail records and the newest hash (the genesis hash when empty);
    with ``session_id``, the number of that session's records and the newest of them."""
    if session_id is None:
        row = conn.execute(_LAST).first()
        return TrailHead(0, GENESIS) if row is None else TrailHead(row[0], row[1])
    mine = _trail.c.session_id == session_id
    count = conn.execute(select(func.count()).where(mine)).scalar_one()
    last = conn.execute(select(_trail.c.hash).where(mine).order_by(_trail.c.seq.desc()).limit(1)).scalar()
    return TrailHead(count, last or GENESIS)


def database_id(conn: Connection) -> str | None:
    return conn.execute(select(meta_t.c.value).where(meta_t.c.key == "database_id")).scalar_one_or_none()


def integrity_problem(conn: Connection) -> TrailProblem | None:
    """SQLite's own check of the file's structure (pages, indexes, constraints)."""
    rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check(5)")]
    if rows == ["ok"]:
        return None
    return TrailProblem("integrity", "the database file is damaged: " + "; ".join(str(r) for r in rows))


def frozen_problem(conn: Connection) -> TrailProblem | None:
    """Every frozen question and scenario still hashes to its key."""
    for key, text in conn.execute(select(frozen_t.c.hash, frozen_t.c.json).order_by(frozen_t.c.hash)):
        if content_key(text) != key:
            return TrailProblem(
                "frozen", f"the frozen content {key[:12]}... was changed after it was stored (its hash does not match)"
            )
    return None


def anchor_problem(conn: Connection, records: int, expected: TrailHead, what: str) -> TrailProblem | None:
    """The trail still holds record #``expected.records`` with ``expected.hash``."""
    if expected.records == 0:
        return None
    if records < expected.records:
        return TrailProblem(
            "anchor",
            f"the audit trail has {records} records but {what} recorded {expected.records} "
            f"(head {expected.hash[:16]}): the newest records were removed",
            seq=expected.records,
        )
    found = conn.execute(select(_trail.c.hash).where(_trail.c.seq == expected.records)).scalar_one_or_none()
    if found != expected.hash:
        return TrailProblem(
            "anchor",
            f"audit trail record #{expected.records} is not the one {what} recorded "
            f"(expected {expected.hash[:16]}, found {(found or '-')[:16]}): the trail was rewritten",
            seq=expected.records,
        )
    return None


def find_hash(conn: Connection, value: str) -> TrailHead | None:
    """The record whose hash is ``value`` (or starts with it, 12 hex digits at least)."""
    stmt = select(_trail.c.seq, _trail.c.hash)
    stmt = stmt.where(_trail.c.hash == value) if len(value) == 64 else stmt.where(_trail.c.hash.like(value + "%"))
    rows = conn.execute(stmt.limit(2)).all()
    return TrailHead(rows[0][0], rows[0][1]) if len(rows) == 1 else None


def trail_records(
    conn: Connection, *, session_id: str | None = None, entity: str | None = None, entity_id: str | None = None
) -> list[TrailRecord]:
    stmt = select(_trail).order_by(_trail.c.seq)
    if session_id is not None:
        stmt = stmt.where(_trail.c.session_id == session_id)
    if entity is not None:
        stmt = stmt.where(_trail.c.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(_trail.c.entity_id == entity_id)
    return [_to_record(r) for r in conn.execute(stmt)]


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _scoped_rows(conn: Connection, entity: str, session_id: str | None) -> Iterable[Any]:
    table, _ = AUDITED[entity]
    stmt = select(table)
    if session_id is not None:
        if entity == "session":
            stmt = stmt.where(table.c.id == session_id)
        elif "session_id" in table.c:
            stmt = stmt.where(table.c.session_id == session_id)
        elif "finding_id" in table.c:  # link tables belong to a finding
            findings = findings_t
            stmt = stmt.join(findings, findings.c.id == table.c.finding_id).where(findings.c.session_id == session_id)
        # else: rows of no one session (trainees, their review schedule): all are checked
    return conn.execute(stmt)


def verify(conn: Connection, session_id: str | None = None) -> TrailReport:
    """Check the whole chain, then that the tables (of one session, if given) match the trail."""
    prev, expected, count = GENESIS, 1, 0
    state: dict[tuple[str, str], dict[str, Any] | None] = {}
    last_seq: dict[tuple[str, str], dict[str | None, int]] = {}
    scope: set[tuple[str, str]] = set()

    def chain_problem(message: str, seq: int) -> TrailReport:
        return TrailReport(count, 0, TrailProblem("chain", message, seq=seq))

    for row in conn.execute(select(_trail).order_by(_trail.c.seq)):
        m = row._mapping
        seq = m["seq"]
        count += 1
        if seq != expected:
            return chain_problem(
                f"audit trail record #{expected} is missing (the next one is #{seq}): records were removed", seq
            )
        if m["prev_hash"] != prev:
            return chain_problem(
                f"audit trail record #{seq} does not follow record #{seq - 1}: the chain is broken", seq
            )
        if record_hash(m) != m["hash"]:
            return chain_problem(
                f"audit trail record #{seq} was changed after it was written (its hash does not match)", seq
            )
        prev, expected = m["hash"], expected + 1
        key = (m["entity"], m["entity_id"])
        if (
            m["session_id"] == session_id
            or session_id is None
            or (m["entity"] == "session" and m["entity_id"] == session_id)
        ):
            scope.add(key)
        action = m["action"]
        try:
            if action == TrailAction.CREATE:
                state[key] = json.loads(m["new_value"])
                last_seq[key] = {None: seq}
            elif action == TrailAction.DELETE:
                state[key] = None
                last_seq[key] = {None: seq}
            elif action == TrailAction.UPDATE and state.get(key) is not None:
                state[key][m["field"]] = json.loads(m["new_value"])  # type: ignore[index]
                last_seq[key][m["field"]] = seq
            else:
                return chain_problem(f"audit trail record #{seq} changes {key[0]} {key[1]}, which does not exist", seq)
        except (TypeError, ValueError):
            return chain_problem(f"audit trail record #{seq} holds a value that is not valid JSON", seq)

    checked = 0
    seen: set[tuple[str, str]] = set()
    for entity in AUDITED:
        columns = audited_columns(entity)
        for row in _scoped_rows(conn, entity, session_id):
            values = row._mapping
            key = (entity, entity_key(entity, values))
            seen.add(key)
            checked += 1
            recorded = state.get(key)
            if recorded is None:
                return TrailReport(
                    count,
                    checked,
                    TrailProblem(
                        "data",
                        f"{entity} {key[1]} is in the database but the audit trail has no record of it being created",
                        entity=entity,
                        entity_id=key[1],
                    ),
                )
            for column in columns:
                now, then = jsonable(values[column]), recorded.get(column)
                if now != then:
                    seqs = last_seq[key]
                    at = seqs.get(column, seqs[None])
                    return TrailReport(
                        count,
                        checked,
                        TrailProblem(
                            "data",
                            f"{entity} {key[1]} field {column} is {_show(now)} in the database "
                            f"but the audit trail last recorded {_show(then)} (record #{at})",
                            seq=at,
                            entity=entity,
                            entity_id=key[1],
                            field=column,
                        ),
                    )
    for key in sorted(scope - seen):
        if state.get(key) is not None:
            return TrailReport(
                count,
                checked,
                TrailProblem(
                    "data",
                    f"{key[0]} {key[1]} is in the audit trail (record #{last_seq[key][None]}) but missing from the database",
                    seq=last_seq[key][None],
                    entity=key[0],
                    entity_id=key[1],
                ),
            )
    return TrailReport(count, checked, None)
