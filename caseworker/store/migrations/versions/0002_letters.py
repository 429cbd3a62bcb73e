"""Letters: organisations on a case (health commissioner, social care, other LAs) and the letter log.

Revision ID: 0002_letters
Revises: 0001_initial
Create Date: 2026-11-28 02:52:07.097735
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_letters"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('health_commissioner', 'social_care', 'other_la')", name=op.f("ck_organisation_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    op.create_table(
        "case_organisation",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ehc_case.id"], name=op.f("fk_case_organisation_case_id_ehc_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_case_organisation_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("case_id", "organisation_id", name=op.f("pk_case_organisation")),
    )
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=32), nullable=False),
        sa.Column("recipient_id", sa.String(length=40), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_address", sa.Text(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('made', 'sent', 'void')", name=op.f("ck_letter_status")),
        sa.ForeignKeyConstraint(["case_id"], ["ehc_case.id"], name=op.f("fk_letter_case_id_ehc_case")),
        sa.ForeignKeyConstraint(["made_by_id"], ["staff.id"], name=op.f("fk_letter_made_by_id_staff")),
        sa.ForeignKeyConstraint(["status_by_id"], ["staff.id"], name=op.f("fk_letter_status_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
    )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index("ix_letter_case", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_case")

    op.drop_table("letter")
    op.drop_table("case_organisation")
    op.drop_table("organisation")
