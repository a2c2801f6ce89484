"""Training mode: trainees, training sessions, scored attempts, key-point overrides and the
review schedule.

* ``trainees``: the people who rehearse (name, employee id, department, role).
* ``training_sessions``: which trainee a training session is for, the inspection date that
  caps the review intervals, and the assessor.
* ``training_scores``: each scored answer, attempt by attempt, with the answer text, the
  scorer's ItemScore as JSON, the key-point credit a person set, and the scorer and lexicon
  versions.
* ``training_overrides``: who confirmed or changed which key point's credit, from what to
  what, when and why.
* ``training_schedule``: the SM-2 state per trainee per question (and the state before the
  last review, so an override of that review is applied from where it started).

Only new tables: no existing row or audited value changes, so the trail still verifies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mockinspect.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _session_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["session_id"], ["sessions.id"], name=op.f(f"fk_{table}_session_id_sessions"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("employee_id", sa.String(80), nullable=True),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainees")),
        sa.UniqueConstraint("name", name=op.f("uq_trainees_name")),
    )
    op.create_table(
        "training_sessions",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("inspection_date", sa.String(10), nullable=True),
        sa.Column("assessor", sa.String(200), nullable=True),
        _session_fk("training_sessions"),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainees.id"], name=op.f("fk_training_sessions_trainee_id_trainees")),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_training_sessions")),
    )
    op.create_index(op.f("ix_training_sessions_trainee_id"), "training_sessions", ["trainee_id"])
    op.create_table(
        "training_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("score", sa.JSON(), nullable=False),
        sa.Column("confirmed", sa.JSON(), nullable=False),
        sa.Column("scorer_version", sa.String(40), nullable=False),
        sa.Column("lexicon_version", sa.String(40), nullable=False),
        sa.Column("scored_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("attempt >= 1", name=op.f("ck_training_scores_attempt")),
        _session_fk("training_scores"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_scores")),
        sa.UniqueConstraint(
            "session_id", "question_id", "attempt", name=op.f("uq_training_scores_session_id_question_id_attempt")
        ),
    )
    op.create_table(
        "training_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("key_point_id", sa.String(80), nullable=False),
        sa.Column("from_credit", sa.Float(), nullable=False),
        sa.Column("to_credit", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _session_fk("training_overrides"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_overrides")),
    )
    op.create_index(op.f("ix_training_overrides_session_id"), "training_overrides", ["session_id"])
    op.create_table(
        "training_schedule",
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("ease", sa.Float(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("last_quality", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.Column("last_session_id", sa.String(32), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_training_schedule_trainee_id_trainees"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("trainee_id", "question_id", name=op.f("pk_training_schedule")),
    )


def downgrade() -> None:
    op.drop_table("training_schedule")
    op.drop_index(op.f("ix_training_overrides_session_id"), table_name="training_overrides")
    op.drop_table("training_overrides")
    op.drop_table("training_scores")
    op.drop_index(op.f("ix_training_sessions_trainee_id"), table_name="training_sessions")
    op.drop_table("training_sessions")
    op.drop_table("trainees")
