"""Add the site address to sessions (for the report's identification block) and CHECK
constraints on session mode/state and response status.

Both tables are rebuilt (SQLite batch "move and copy"); ``sessions`` is the parent of every
other table with ON DELETE CASCADE, which is why migrations run with foreign keys OFF.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", recreate="always") as batch:
        batch.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch.create_check_constraint("mode", "mode IN ('audit', 'training')")
        batch.create_check_constraint("state", "state IN ('open', 'finished')")
    with op.batch_alter_table("responses", recreate="always") as batch:
        batch.create_check_constraint(
            "status", "status IN ('compliant', 'observation', 'deficient', 'not-applicable', 'deferred')"
        )


def downgrade() -> None:
    with op.batch_alter_table("responses", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_responses_status"), type_="check")
    with op.batch_alter_table("sessions", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_sessions_state"), type_="check")
        batch.drop_constraint(op.f("ck_sessions_mode"), type_="check")
        batch.drop_column("address")
