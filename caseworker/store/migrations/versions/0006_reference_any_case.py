"""References are the same whatever their letter case: an index on the lower-cased reference lets the
import and the new-request form find "ehc-2025-0001" as EHC-2025-0001 without reading every case.

Not unique: a database from before this release may already hold two spellings of one reference, and
an upgrade must not fail on that; the application refuses new ones.

Revision ID: 0006_reference_any_case
Revises: 0005_right_in_law
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_reference_any_case"
down_revision = "0005_right_in_law"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ehc_case_reference_lower", "ehc_case", [sa.text("lower(reference)")])


def downgrade() -> None:
    op.drop_index("ix_ehc_case_reference_lower", table_name="ehc_case")
