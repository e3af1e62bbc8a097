"""case load: running totals of each case's open grievances by severity, so the health
score's grievance load is read in one query whatever the case's size

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:30:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

from storage.clock import utcnow

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: As ``bot.playbook.load``: open statuses, and the age after which the weight is fixed.
OPEN = ("open", "acknowledged", "addressing")
AGE_CAP = timedelta(days=28)


def upgrade() -> None:
    op.create_table(
        "case_load",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fresh_count", sa.Integer(), nullable=False),
        sa.Column("fresh_millis", sa.BigInteger(), nullable=False),
        sa.Column("aged_count", sa.Integer(), nullable=False),
        sa.Column("aged_through", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["client_case.id"],
            name=op.f("fk_case_load_case_id_client_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "severity", name=op.f("pk_case_load")),
    )
    with op.batch_alter_table("grievance") as batch:
        batch.add_column(sa.Column("load_severity", sa.Integer(), nullable=True))
        batch.create_index(
            "ix_grievance_case_id_load_severity_created_at",
            ["case_id", "load_severity", "created_at"],
            unique=False,
        )
    _count_what_is_open()


def _count_what_is_open() -> None:
    """Count every open, non-confidential grievance, as ``load.recount`` would."""
    bind = op.get_bind()
    grievance = sa.table(
        "grievance",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("severity", sa.Integer),
        sa.column("status", sa.String),
        sa.column("confidential", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("load_severity", sa.Integer),
    )
    counted = grievance.c.status.in_(OPEN) & grievance.c.confidential.is_(False)
    bind.execute(sa.update(grievance).where(counted).values(load_severity=grievance.c.severity))
    aged_through = utcnow() - AGE_CAP  # the bot's one clock (tests and the sandbox set it)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for case_id, severity, created_at in bind.execute(
        sa.select(grievance.c.case_id, grievance.c.severity, grievance.c.created_at).where(counted)
    ):
        created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        row = totals[(case_id, severity)]
        if created < aged_through:
            row[2] += 1
        else:
            row[0] += 1
            row[1] += int(created.timestamp() * 1000)
    if totals:
        op.bulk_insert(
            sa.table(
                "case_load",
                sa.column("case_id", sa.Integer),
                sa.column("severity", sa.Integer),
                sa.column("fresh_count", sa.Integer),
                sa.column("fresh_millis", sa.BigInteger),
                sa.column("aged_count", sa.Integer),
                sa.column("aged_through", sa.DateTime(timezone=True)),
            ),
            [
                {
                    "case_id": case_id,
                    "severity": severity,
                    "fresh_count": fresh,
                    "fresh_millis": seconds,
                    "aged_count": aged,
                    "aged_through": aged_through,
                }
                for (case_id, severity), (fresh, seconds, aged) in sorted(totals.items())
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("grievance") as batch:
        batch.drop_index("ix_grievance_case_id_load_severity_created_at")
        batch.drop_column("load_severity")
    op.drop_table("case_load")
