"""Caseloads: when staff started (new starters' capacity), their absences, and cases pinned by a team lead.

Revision ID: 0004_caseload
Revises: 0003_letter_queue
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_caseload"
down_revision = "0003_letter_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_on", sa.Date(), nullable=True))
    op.create_table(
        "staff_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("to_on >= from_on", name=op.f("ck_staff_absence_dates")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_absence_staff_id_staff"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"],
                                name=op.f("fk_staff_absence_recorded_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_absence")),
    )
    with op.batch_alter_table("staff_absence", schema=None) as batch_op:
        batch_op.create_index("ix_staff_absence_staff", ["staff_id"], unique=False)
    op.create_table(
        "case_pin",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("pinned_by_id", sa.Integer(), nullable=True),
        sa.Column("pinned_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["ehc_case.id"], name=op.f("fk_case_pin_case_id_ehc_case"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pinned_by_id"], ["staff.id"], name=op.f("fk_case_pin_pinned_by_id_staff")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_pin")),
    )


def downgrade() -> None:
    op.drop_table("case_pin")
    with op.batch_alter_table("staff_absence", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_absence_staff")
    op.drop_table("staff_absence")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("started_on")
