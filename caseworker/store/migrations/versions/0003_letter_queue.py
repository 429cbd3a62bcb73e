"""Letters to send: what each letter answers, the young person's choice of correspondent, and the
change-of-caseworker letter asked for with a reallocation.

Revision ID: 0003_letter_queue
Revises: 0002_letters
Create Date: 2026-11-28 04:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_letter_queue"
down_revision = "0002_letters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letters_to_parent", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_letter", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_letter_case_template", ["case_id", "template_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_case_template")
        batch_op.drop_column("about")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_column("family_letter")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("letters_to_parent")
