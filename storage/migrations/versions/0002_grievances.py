"""grievances

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:37:23.640319
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "case_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["person.id"],
            name=op.f("fk_case_lead_added_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_case_lead_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_case_lead_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_lead")),
        sa.UniqueConstraint("case_id", "person_id", name=op.f("uq_case_lead_case_id_person_id")),
    )
    op.create_table(
        "grievance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_name", sa.String(length=120), nullable=True),
        sa.Column(
            "side",
            sa.Enum("client", "team", name="side", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "quality",
                "timeline",
                "communication",
                "cost",
                "scope",
                "people",
                "other",
                name="category",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "acknowledged",
                "addressing",
                "resolved",
                "withdrawn",
                name="status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("cares_about", sa.Text(), nullable=True),
        sa.Column("success_measure", sa.Text(), nullable=True),
        sa.Column("went_well", sa.Text(), nullable=True),
        sa.Column("source_permalink", sa.String(length=500), nullable=True),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_grievance_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["person.id"],
            name=op.f("fk_grievance_raised_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["person.id"],
            name=op.f("fk_grievance_reporter_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_grievance_case_id_number")),
    )
    with op.batch_alter_table("grievance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grievance_slack_channel_slack_ts", ["slack_channel", "slack_ts"], unique=False
        )

    op.create_table(
        "entry_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["timeline_entry.id"],
            name=op.f("fk_entry_revision_entry_id_timeline_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_revision")),
    )
    with op.batch_alter_table("entry_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_revision_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("named", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grievance_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("edited", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            batch_op.f("ix_timeline_entry_grievance_id"), ["grievance_id"], unique=False
        )
        batch_op.create_index(
            "ix_timeline_entry_slack_channel_slack_ts", ["slack_channel", "slack_ts"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_timeline_entry_grievance_id_grievance"),
            "grievance",
            ["grievance_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url", sa.String(length=200), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("url")

    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_timeline_entry_grievance_id_grievance"), type_="foreignkey"
        )
        batch_op.drop_index("ix_timeline_entry_slack_channel_slack_ts")
        batch_op.drop_index(batch_op.f("ix_timeline_entry_grievance_id"))
        batch_op.drop_column("edited")
        batch_op.drop_column("deleted")
        batch_op.drop_column("confidential")
        batch_op.drop_column("grievance_id")

    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.drop_column("named")

    with op.batch_alter_table("entry_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_revision_entry_id"))

    op.drop_table("entry_revision")
    with op.batch_alter_table("grievance", schema=None) as batch_op:
        batch_op.drop_index("ix_grievance_slack_channel_slack_ts")

    op.drop_table("grievance")
    op.drop_table("case_lead")
