"""Plans in place: annual reviews, amendments, phase transfers and ceasing, each on its case; a child
taught out of their year group.

Revision ID: 0009_plans
Revises: 0008_case_file
Create Date: 2026-12-02 16:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_plans"
down_revision = "0008_case_file"
branch_labels = None
depends_on = None

DECISIONS = "('maintain', 'amend', 'cease')"
TRANSFER_KINDS = "('school', 'post16', 'post16_move')"
REPLIES = "('agrees', 'declines', 'other')"
CEASE_REASONS = "(1, 2, 3, 4, 5, 6, 7, 8, 9)"


def _case_id(table: str) -> list[Any]:
    """The id, the case it belongs to and the version every plan table starts with."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["ehc_case.id"], name=op.f(f"fk_{table}_case_id_ehc_case"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): a batch copy of child is not needed for a column with a default.
    op.add_column("child", sa.Column("year_group_offset", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "plan_review",
        *_case_id("plan_review"),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("invitations_sent_on", sa.Date(), nullable=True),
        sa.Column("report_sent_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"decision IN {DECISIONS}", name=op.f("ck_plan_review_decision")),
        sa.CheckConstraint("(decision IS NULL) = (notified_on IS NULL)", name=op.f("ck_plan_review_decision_notified")),
    )
    op.create_index("ix_plan_review_case", "plan_review", ["case_id"])

    op.create_table(
        "plan_amendment",
        *_case_id("plan_amendment"),
        sa.Column("notice_sent_on", sa.Date(), nullable=False),
        sa.Column("notice_served_on", sa.Date(), nullable=True),
        sa.Column("final_issued_on", sa.Date(), nullable=True),
        sa.Column("not_amended_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("final_issued_on IS NULL OR not_amended_on IS NULL",
                           name=op.f("ck_plan_amendment_one_outcome")),
        sa.CheckConstraint("notice_served_on IS NULL OR notice_served_on >= notice_sent_on",
                           name=op.f("ck_plan_amendment_served")),
    )
    op.create_index("ix_plan_amendment_case", "plan_amendment", ["case_id"])

    op.create_table(
        "phase_transfer",
        *_case_id("phase_transfer"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("transfer_date", sa.Date(), nullable=False),
        sa.Column("consultation_sent_on", sa.Date(), nullable=True),
        sa.Column("consulted_school_id", sa.Integer(), nullable=True),
        sa.Column("setting_replied_on", sa.Date(), nullable=True),
        sa.Column("reply", sa.String(length=16), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"kind IN {TRANSFER_KINDS}", name=op.f("ck_phase_transfer_kind")),
        sa.CheckConstraint(f"reply IN {REPLIES}", name=op.f("ck_phase_transfer_reply")),
        sa.ForeignKeyConstraint(["consulted_school_id"], ["school.id"],
                                name=op.f("fk_phase_transfer_consulted_school_id_school")),
    )
    op.create_index("ix_phase_transfer_case", "phase_transfer", ["case_id"])

    op.create_table(
        "plan_cease",
        *_case_id("plan_cease"),
        sa.Column("proposed_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("appeal_lodged_on", sa.Date(), nullable=True),
        sa.Column("appeal_concluded_on", sa.Date(), nullable=True),
        sa.Column("ceased_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Integer(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"reason IN {CEASE_REASONS}", name=op.f("ck_plan_cease_reason")),
        sa.CheckConstraint("ceased_on IS NULL OR reason IS NOT NULL", name=op.f("ck_plan_cease_ceased_with_reason")),
        sa.CheckConstraint("ceased_on IS NULL OR withdrawn_on IS NULL",
                           name=op.f("ck_plan_cease_ceased_or_withdrawn")),
    )
    op.create_index("ix_plan_cease_case", "plan_cease", ["case_id"])


def downgrade() -> None:
    for table in ("plan_cease", "phase_transfer", "plan_amendment", "plan_review"):
        op.drop_index(f"ix_{table}_case", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("year_group_offset")
