"""Right in law: exceptions carry the dates their circumstances began and ended; advice requests say how
they were sent and can be excused (reg 8(2)); advisers' services say who they answer to; drafts say how
they were sent; the setting named in the plan, its kind, consultation replies, and advice already
available used under reg 6(4).

Revision ID: 0005_right_in_law
Revises: 0004_caseload
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_right_in_law"
down_revision = "0004_caseload"
branch_labels = None
depends_on = None

SENT_BY = "('email', 'portal', 'hand', 'post')"


def upgrade() -> None:
    with op.batch_alter_table("statutory_exception", schema=None) as batch_op:
        batch_op.add_column(sa.Column("began_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    # Rows from before this release knew only when they were recorded: take that as when they began.
    op.execute("UPDATE statutory_exception SET began_on = recorded_on")
    with op.batch_alter_table("statutory_exception", schema=None) as batch_op:
        batch_op.alter_column("began_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint("dates", "ended_on IS NULL OR ended_on >= began_on")

    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_by", sa.String(length=8), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("covers_pfa", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("excused_ground", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("excused_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("excused_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("excused_note", sa.Text(), nullable=True))
        batch_op.create_check_constraint("sent_by", f"sent_by IN {SENT_BY}")
        batch_op.create_check_constraint(
            "excused_ground", "excused_ground IN ('exceptional', 'absent', 'missed_appointment')")

    with op.batch_alter_table("advice_service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.String(length=16), nullable=False, server_default="council"))
        batch_op.create_check_constraint(
            "body", "body IN ('council', 'health', 'other_la', 'yot', 'school', 'other')")
    # Health advice comes from a health body (bound by reg 8); education advice from a school.
    op.execute("UPDATE advice_service SET body = 'health' WHERE kind = 'health'")
    op.execute("UPDATE advice_service SET body = 'school' WHERE kind = 'education'")

    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            "kind", "kind IN ('maintained', 'academy', 'fe_college', 'nmss', 's41_independent', 'independent', "
                    "'early_years', 'other')")

    with op.batch_alter_table("ehc_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_sent_by", sa.String(length=8), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("named_setting_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_ehc_case_named_setting_id_school"), "school", ["named_setting_id"],
                                    ["id"])
        batch_op.create_check_constraint("draft_sent_by", f"draft_sent_by IN {SENT_BY}")

    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint("reply", "reply IN ('agrees', 'declines', 'other')")

    op.create_table(
        "existing_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('ep', 'health', 'social_care', 'education', 'other', 'pfa')",
                           name=op.f("ck_existing_advice_kind")),
        sa.ForeignKeyConstraint(["case_id"], ["ehc_case.id"], name=op.f("fk_existing_advice_case_id_ehc_case"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"],
                                name=op.f("fk_existing_advice_recorded_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_existing_advice")),
    )
    with op.batch_alter_table("existing_advice", schema=None) as batch_op:
        batch_op.create_index("ix_existing_advice_case", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("existing_advice", schema=None) as batch_op:
        batch_op.drop_index("ix_existing_advice_case")
    op.drop_table("existing_advice")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_constraint("ck_consultation_reply", type_="check")
        batch_op.drop_column("reply")
    with op.batch_alter_table("ehc_case", schema=None) as batch_op:
        batch_op.drop_constraint("ck_ehc_case_draft_sent_by", type_="check")
        batch_op.drop_constraint("fk_ehc_case_named_setting_id_school", type_="foreignkey")
        batch_op.drop_column("named_setting_id")
        batch_op.drop_column("draft_sent_by")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_constraint("ck_school_kind", type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("advice_service", schema=None) as batch_op:
        batch_op.drop_constraint("ck_advice_service_body", type_="check")
        batch_op.drop_column("body")
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        for name in ("excused_ground", "sent_by"):
            batch_op.drop_constraint(f"ck_advice_request_{name}", type_="check")
        for col in ("excused_note", "excused_to", "excused_from", "excused_ground", "covers_pfa", "sent_by"):
            batch_op.drop_column(col)
    with op.batch_alter_table("statutory_exception", schema=None) as batch_op:
        batch_op.drop_constraint("ck_statutory_exception_dates", type_="check")
        batch_op.drop_column("ended_on")
        batch_op.drop_column("began_on")
