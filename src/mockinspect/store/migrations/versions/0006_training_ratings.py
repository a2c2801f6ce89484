"""Training mode, finished: the trainee's self-rating of each answer, the trainer's global
rating and comment per training session, and the inspector's silence per drill.

* ``training_scores.self_rating``: 1-5, how good the trainee thought the answer was before
  the key points were revealed (NULL: skipped, or an attempt made before this revision).
* ``training_sessions.trainer_rating`` (1-5), ``trainer_comment``, ``rated_by``,
  ``rated_at``: the assessor's optional global rating (training brief §2, last line).
* ``training_sessions.silence_seconds``: the inspector stays silent this many seconds after
  each answer (NULL: off, the default).

Nullable columns only, so every existing row keeps its values and the audit trail still
verifies (a column the trail never recorded reads as NULL on both sides). Both tables are
rebuilt (SQLite batch "move and copy") for their CHECK constraints; migrations run with
foreign keys OFF, so the cascading children of ``training_sessions``' parent are kept.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mockinspect.store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_scores", recreate="always") as batch:
        batch.add_column(sa.Column("self_rating", sa.Integer(), nullable=True))
        batch.create_check_constraint("self_rating", "self_rating BETWEEN 1 AND 5")
    with op.batch_alter_table("training_sessions", recreate="always") as batch:
        batch.add_column(sa.Column("silence_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("trainer_rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("trainer_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rated_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("rated_at", UTCDateTime(), nullable=True))
        batch.create_check_constraint("silence_seconds", "silence_seconds BETWEEN 1 AND 30")
        batch.create_check_constraint("trainer_rating", "trainer_rating BETWEEN 1 AND 5")


def downgrade() -> None:
    with op.batch_alter_table("training_sessions", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_training_sessions_trainer_rating"), type_="check")
        batch.drop_constraint(op.f("ck_training_sessions_silence_seconds"), type_="check")
        for name in ("rated_at", "rated_by", "trainer_comment", "trainer_rating", "silence_seconds"):
            batch.drop_column(name)
    with op.batch_alter_table("training_scores", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_training_scores_self_rating"), type_="check")
        batch.drop_column("self_rating")
