"""The council's letter settings in the database, so every desktop of a team prints the same letters:
one row (name, address, contacts, the mandatory blocks, the logo image), versioned, with who changed it
and when. Until an admin saves or imports them, letters still read the settings file as before.

Revision ID: 0007_council_settings
Revises: 0006_reference_any_case
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_council_settings"
down_revision = "0006_reference_any_case"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=16), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_council_settings_one_row")),
        sa.CheckConstraint("logo_type IN ('image/png', 'image/jpeg')", name=op.f("ck_council_settings_logo_type")),
        sa.CheckConstraint("(logo IS NULL) = (logo_type IS NULL)", name=op.f("ck_council_settings_logo_with_type")),
        sa.CheckConstraint("logo IS NULL OR length(logo) <= 1000000", name=op.f("ck_council_settings_logo_size")),
        sa.ForeignKeyConstraint(["changed_by_id"], ["staff.id"], name=op.f("fk_council_settings_changed_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_settings")),
    )


def downgrade() -> None:
    op.drop_table("council_settings")
