"""check-ins progress health digest

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:30:48.407595
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "checkin_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("days", sa.String(length=40), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("time_of_day", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "audience",
            sa.Enum("everyone", "client", "team", name="audience", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("open_tally", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.String(length=200), nullable=True),
        sa.Column("pause_from", sa.Date(), nullable=True),
        sa.Column("pause_until", sa.Date(), nullable=True),
        sa.Column("holidays", sa.Text(), nullable=False),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("nudge_after_minutes", sa.Integer(), nullable=False),
        sa.Column("checked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_checkin_schedule_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_checkin_schedule_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_schedule")),
    )
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "claimed",
                "posted",
                "skipped",
                "failed",
                name="occurrencestatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_digest_run_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_run")),
        sa.UniqueConstraint("case_id", "due_at", name=op.f("uq_digest_run_case_id_due_at")),
    )
    op.create_table(
        "final_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_final_rating_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_final_rating_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_rating")),
        sa.UniqueConstraint("case_id", "person_id", name=op.f("uq_final_rating_case_id_person_id")),
    )
    op.create_table(
        "health_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("components", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_health_snapshot_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_snapshot")),
    )
    with op.batch_alter_table("health_snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_health_snapshot_case_id_id", ["case_id", "id"], unique=False)

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_notice_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("case_id", "kind", "key", name=op.f("uq_notice_case_id_kind_key")),
    )
    op.create_table(
        "checkin_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "claimed",
                "posted",
                "skipped",
                "failed",
                name="occurrencestatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["checkin_schedule.id"],
            name=op.f("fk_checkin_occurrence_schedule_id_checkin_schedule"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_occurrence")),
        sa.UniqueConstraint(
            "schedule_id", "due_at", name=op.f("uq_checkin_occurrence_schedule_id_due_at")
        ),
    )
    op.create_table(
        "progress_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("strategy_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_progress_update_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_progress_update_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategy.id"],
            name=op.f("fk_progress_update_strategy_id_strategy"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_update")),
    )
    op.create_table(
        "checkin_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["checkin_occurrence.id"],
            name=op.f("fk_checkin_answer_occurrence_id_checkin_occurrence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_checkin_answer_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_answer")),
    )
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_answer_occurrence_id_person_id",
            ["occurrence_id", "person_id"],
            unique=False,
        )

    op.create_table(
        "checkin_nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["checkin_occurrence.id"],
            name=op.f("fk_checkin_nudge_occurrence_id_checkin_occurrence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_checkin_nudge_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_nudge")),
        sa.UniqueConstraint(
            "occurrence_id", "person_id", name=op.f("uq_checkin_nudge_occurrence_id_person_id")
        ),
    )
    op.create_table(
        "progress_update_grievance",
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievance.id"],
            name=op.f("fk_progress_update_grievance_grievance_id_grievance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["progress_update.id"],
            name=op.f("fk_progress_update_grievance_update_id_progress_update"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "update_id", "grievance_id", name=op.f("pk_progress_update_grievance")
        ),
    )
    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_weekday", sa.Integer(), server_default="4", nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest_time", sa.String(length=5), server_default="16:00", nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest_timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("digest_timezone")
        batch_op.drop_column("digest_time")
        batch_op.drop_column("digest_weekday")

    op.drop_table("progress_update_grievance")
    op.drop_table("checkin_nudge")
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_answer_occurrence_id_person_id")

    op.drop_table("checkin_answer")
    op.drop_table("progress_update")
    op.drop_table("checkin_occurrence")
    op.drop_table("notice")
    with op.batch_alter_table("health_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_health_snapshot_case_id_id")

    op.drop_table("health_snapshot")
    op.drop_table("final_rating")
    op.drop_table("digest_run")
    op.drop_table("checkin_schedule")
