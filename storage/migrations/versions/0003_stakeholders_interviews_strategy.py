"""stakeholders interviews strategy

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 02:08:40.090921
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "case_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "client_leader",
                "client_member",
                "team_lead",
                "team_member",
                name="role",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_case_member_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_case_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_member")),
        sa.UniqueConstraint("case_id", "person_id", name=op.f("uq_case_member_case_id_person_id")),
    )
    op.create_table(
        "interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "in_progress",
                "answered",
                name="interviewstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_interview_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["person.id"],
            name=op.f("fk_interview_invited_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_interview_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
        sa.UniqueConstraint("case_id", "person_id", name=op.f("uq_interview_case_id_person_id")),
    )
    op.create_table(
        "interview_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum("client", "team", name="side", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_interview_questions_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_questions")),
        sa.UniqueConstraint("case_id", "side", name=op.f("uq_interview_questions_case_id_side")),
    )
    op.create_table(
        "strategy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("success_measures", sa.Text(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "superseded",
                name="strategystatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_strategy_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_strategy_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["strategy.id"],
            name=op.f("fk_strategy_previous_id_strategy"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy")),
        sa.UniqueConstraint("case_id", "version", name=op.f("uq_strategy_case_id_version")),
    )
    with op.batch_alter_table("strategy", schema=None) as batch_op:
        batch_op.create_index(
            "ix_strategy_slack_channel_slack_ts", ["slack_channel", "slack_ts"], unique=False
        )

    op.create_table(
        "interview_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_interview_answer_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_answer")),
        sa.UniqueConstraint(
            "interview_id", "position", name=op.f("uq_interview_answer_interview_id_position")
        ),
    )
    op.create_table(
        "strategy_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=True),
        sa.Column("owner_name", sa.String(length=120), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategy.id"],
            name=op.f("fk_strategy_action_strategy_id_strategy"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_action")),
        sa.UniqueConstraint(
            "strategy_id", "position", name=op.f("uq_strategy_action_strategy_id_position")
        ),
    )
    op.create_table(
        "strategy_grievance",
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievance.id"],
            name=op.f("fk_strategy_grievance_grievance_id_grievance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategy.id"],
            name=op.f("fk_strategy_grievance_strategy_id_strategy"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("strategy_id", "grievance_id", name=op.f("pk_strategy_grievance")),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("approve", "object", name="votekind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("reaction", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_vote_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategy.id"],
            name=op.f("fk_vote_strategy_id_strategy"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint("strategy_id", "person_id", name=op.f("uq_vote_strategy_id_person_id")),
    )
    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "buyin_rule",
                sa.Enum(
                    "default", "client_majority", name="buyinrule", native_enum=False, length=24
                ),
                server_default="default",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("interview_reminder_hours", sa.Integer(), server_default="48", nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.drop_column("interview_reminder_hours")
        batch_op.drop_column("buyin_rule")

    op.drop_table("vote")
    op.drop_table("strategy_grievance")
    op.drop_table("strategy_action")
    op.drop_table("interview_answer")
    with op.batch_alter_table("strategy", schema=None) as batch_op:
        batch_op.drop_index("ix_strategy_slack_channel_slack_ts")

    op.drop_table("strategy")
    op.drop_table("interview_questions")
    op.drop_table("interview")
    op.drop_table("case_member")
