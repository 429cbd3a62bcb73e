"""Initial schema: people, schools, services, cases, advice, exceptions, allocations, audit.

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-28 01:33:02.304485
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("lead_name", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advice_service")),
        sa.UniqueConstraint("name", name=op.f("uq_advice_service_name")),
    )
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("urn", sa.String(length=10), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school")),
        sa.UniqueConstraint("urn", name=op.f("uq_school_urn")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("capacity_points", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('caseworker', 'team_lead', 'admin', 'read_only')", name=op.f("ck_staff_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
    )
    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forename", sa.String(length=100), nullable=False),
        sa.Column("surname", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("upn", sa.String(length=13), nullable=True),
        sa.Column("upn_unknown_reason", sa.String(length=10), nullable=True),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("nhs_unknown_reason", sa.String(length=200), nullable=True),
        sa.Column("uln", sa.String(length=10), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("primary_need", sa.String(length=5), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_child_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("main_correspondent", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('parent', 'carer', 'young_person', 'other')", name=op.f("ck_contact_role")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_contact_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_child", ["child_id"], unique=False)

    op.create_table(
        "ehc_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("keyed_on", sa.Date(), nullable=False),
        sa.Column("request_source", sa.String(length=16), nullable=True),
        sa.Column("decision_to_assess", sa.Boolean(), nullable=True),
        sa.Column("decision_to_assess_on", sa.Date(), nullable=True),
        sa.Column("decision_to_issue", sa.Boolean(), nullable=True),
        sa.Column("decision_to_issue_on", sa.Date(), nullable=True),
        sa.Column("draft_sent_on", sa.Date(), nullable=True),
        sa.Column("draft_served_on", sa.Date(), nullable=True),
        sa.Column("final_issued_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caseworker_id"], ["staff.id"], name=op.f("fk_ehc_case_caseworker_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_ehc_case_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehc_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_ehc_case_reference")),
    )
    with op.batch_alter_table("ehc_case", schema=None) as batch_op:
        batch_op.create_index("ix_ehc_case_caseworker", ["caseworker_id"], unique=False)
        batch_op.create_index("ix_ehc_case_child", ["child_id"], unique=False)

    op.create_table(
        "advice_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('ep', 'health', 'social_care', 'education', 'other')",
            name=op.f("ck_advice_request_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ehc_case.id"],
            name=op.f("fk_advice_request_case_id_ehc_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["advice_service.id"],
            name=op.f("fk_advice_request_service_id_advice_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advice_request")),
    )
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.create_index("ix_advice_request_case", ["case_id"], unique=False)
        batch_op.create_index(
            "ix_advice_request_service_received", ["service_id", "received_on"], unique=False
        )

    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["staff.id"], name=op.f("fk_allocation_by_id_staff")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ehc_case.id"],
            name=op.f("fk_allocation_case_id_ehc_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_allocation_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index("ix_allocation_case", ["case_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_audit_event_actor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ehc_case.id"],
            name=op.f("fk_audit_event_case_id_ehc_case"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_case", ["case_id"], unique=False)

    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ehc_case.id"],
            name=op.f("fk_consultation_case_id_ehc_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_consultation_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_case", ["case_id"], unique=False)

    op.create_table(
        "statutory_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=1), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ground IN ('a', 'b', 'c', 'd')", name=op.f("ck_statutory_exception_ground")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["ehc_case.id"],
            name=op.f("fk_statutory_exception_case_id_ehc_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff.id"],
            name=op.f("fk_statutory_exception_recorded_by_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statutory_exception")),
    )
    with op.batch_alter_table("statutory_exception", schema=None) as batch_op:
        batch_op.create_index("ix_statutory_exception_case", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statutory_exception", schema=None) as batch_op:
        batch_op.drop_index("ix_statutory_exception_case")

    op.drop_table("statutory_exception")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_case")

    op.drop_table("consultation")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_case")

    op.drop_table("audit_event")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_case")

    op.drop_table("allocation")
    with op.batch_alter_table("advice_request", schema=None) as batch_op:
        batch_op.drop_index("ix_advice_request_service_received")
        batch_op.drop_index("ix_advice_request_case")

    op.drop_table("advice_request")
    with op.batch_alter_table("ehc_case", schema=None) as batch_op:
        batch_op.drop_index("ix_ehc_case_child")
        batch_op.drop_index("ix_ehc_case_caseworker")

    op.drop_table("ehc_case")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_child")

    op.drop_table("contact")
    op.drop_table("child")
    op.drop_table("staff")
    op.drop_table("school")
    op.drop_table("app_meta")
    op.drop_table("advice_service")
