"""Staff records for letters: a courtesy title (Mr, Ms, Dr) and a job title ("SEND Caseworker") to sign
letters with. Both optional: the staff already on record keep signing as before.

Revision ID: 0010_staff_titles
Revises: 0009_plans
Create Date: 2026-12-03 06:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_staff_titles"
down_revision = "0009_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN of nullable columns: SQLite has it, so no batch copy of the staff table.
    op.add_column("staff", sa.Column("title", sa.String(length=20), nullable=True))
    op.add_column("staff", sa.Column("job_title", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("job_title")
        batch.drop_column("title")
