"""Alembic environment: runs on the connection the store hands over (never from a URL).

The store opens that connection with foreign keys OFF and inside one BEGIN IMMEDIATE
transaction, runs ``PRAGMA foreign_key_check`` before committing, and backs the file up
first (see ``mockinspect.store.migrate``).
"""

from __future__ import annotations

from alembic import context

from mockinspect.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("mockinspect migrations run through mockinspect.store.migrate, with a connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
