"""Freeze what a session asked, keep drafts, record probes, and give the file an identity.

* ``meta``: the database id (keys the trail anchor kept outside the file) and creation time;
  an existing database gets a new id here.
* ``frozen_content``: question and scenario content by SHA-256, so a session is rebuilt as
  it was after its banks change. Sessions from before this revision have none (their
  ``scenario_hash`` stays NULL and their questions are looked up by hash when still known).
* ``drafts``: unaudited typing, promoted to an audited response at commit points.
* ``sessions.scenario_hash``, ``script_items.parent_id`` (a follow-up probe and the item that
  triggered it), and ``responses.status`` nullable (text may be saved before a status).

No audited value changes: every new column is NULL on existing rows, which is what the
trail's create records read for a key they do not have, so the trail still verifies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from mockinspect.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.bulk_insert(
        meta,
        [
            {"key": "database_id", "value": uuid.uuid4().hex},
            {"key": "created_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
        ],
    )
    op.create_table(
        "frozen_content",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_frozen_content")),
    )
    op.create_table(
        "drafts",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_drafts_session_id_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "question_id", name=op.f("pk_drafts")),
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("scenario_hash", sa.String(64), nullable=True))
    with op.batch_alter_table("script_items", recreate="always") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_script_items_parent_id_script_items"), "script_items", ["parent_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("responses", recreate="always") as batch:
        batch.alter_column("status", existing_type=sa.String(20), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("responses", recreate="always") as batch:
        batch.alter_column("status", existing_type=sa.String(20), nullable=False)
    with op.batch_alter_table("script_items", recreate="always") as batch:
        batch.drop_constraint(op.f("fk_script_items_parent_id_script_items"), type_="foreignkey")
        batch.drop_column("parent_id")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("scenario_hash")
    op.drop_table("drafts")
    op.drop_table("frozen_content")
    op.drop_table("meta")
