"""The plans schema (0009): an older database is brought up to it with its data, and the plain code lists
the import reads agree with the tables."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from caseworker.store import codes
from caseworker.store.database import Database, normalise_url, open_database
from caseworker.store.location import SCHEMA_REVISION
from caseworker.store.migrate import upgrade
from caseworker.store.models import AdviceService, Case, Child, Contact, School, Staff

PLAN_TABLES = ("plan_review", "plan_amendment", "phase_transfer", "plan_cease")


def test_a_database_at_0008_is_upgraded_with_its_plans_kept(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    upgrade(engine, "0008_case_file")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO child (id, forename, surname, date_of_birth, letters_to_parent, version) "
                          "VALUES (1, 'Zoë', 'Clarke', '2014-03-14', FALSE, 1)"))
        conn.execute(text("INSERT INTO ehc_case (id, reference, child_id, keyed_on, final_issued_on, draft_sent_by, "
                          "version) VALUES (1, 'EHC-1', 1, '2025-01-06', '2023-05-02', 'email', 1)"))
    engine.dispose()
    reopened = open_database(db_url)
    try:
        assert reopened.stored_revision() == SCHEMA_REVISION
        with reopened.engine.begin() as conn:
            # The child already on record is taught in their own year group.
            assert conn.execute(text("SELECT year_group_offset FROM child")).scalar() == 0
            conn.execute(text("INSERT INTO plan_review (case_id, meeting_on, decision, notified_on, version) "
                              "VALUES (1, '2024-04-10', 'amend', '2024-05-02', 1)"))
            conn.execute(text("INSERT INTO plan_amendment (case_id, notice_sent_on, version) "
                              "VALUES (1, '2024-05-09', 1)"))
            conn.execute(text("INSERT INTO phase_transfer (case_id, kind, transfer_date, version) "
                              "VALUES (1, 'school', '2025-09-01', 1)"))
            conn.execute(text("INSERT INTO plan_cease (case_id, proposed_on, version) VALUES (1, '2025-01-10', 1)"))
        with reopened.engine.connect() as conn:
            counts = [conn.execute(text(f"SELECT count(*) FROM {t} WHERE case_id = 1")).scalar() for t in PLAN_TABLES]
        assert counts == [1, 1, 1, 1]
        indexes = {t: {ix["name"] for ix in inspect(reopened.engine).get_indexes(t)} for t in PLAN_TABLES}
        assert indexes == {t: {f"ix_{t}_case"} for t in PLAN_TABLES}
    finally:
        reopened.dispose()


@pytest.mark.parametrize("statement", [
    "INSERT INTO plan_review (case_id, decision, version) VALUES (1, 'maintain', 1)",  # no notified date
    "INSERT INTO plan_review (case_id, decision, notified_on, version) VALUES (1, 'keep', '2025-01-01', 1)",
    "INSERT INTO phase_transfer (case_id, kind, transfer_date, version) VALUES (1, 'college', '2025-09-01', 1)",
    "INSERT INTO plan_cease (case_id, ceased_on, reason, version) VALUES (1, '2025-01-01', 10, 1)",
    "INSERT INTO plan_cease (case_id, ceased_on, version) VALUES (1, '2025-01-01', 1)",  # no SEN2 reason
    "INSERT INTO plan_amendment (case_id, notice_sent_on, final_issued_on, not_amended_on, version) "
    "VALUES (1, '2025-01-01', '2025-02-01', '2025-02-01', 1)",
])
def test_the_tables_refuse_what_cannot_be(db: Database, statement: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO child (id, forename, surname, date_of_birth, version) "
                          "VALUES (1, 'Ali', 'Khan', '2014-03-14', 1)"))
        conn.execute(text("INSERT INTO ehc_case (id, reference, child_id, keyed_on, final_issued_on, version) "
                          "VALUES (1, 'EHC-1', 1, '2025-01-06', '2023-05-02', 1)"))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text(statement))


def test_the_plain_text_limits_are_the_columns_lengths() -> None:
    models = {"case": Case, "child": Child, "school": School, "staff": Staff, "contact": Contact,
              "advice_service": AdviceService}
    lengths = {key: getattr(models[key.split(".")[0]].__table__.c, key.split(".")[1]).type.length
               for key in codes.TEXT_LIMITS}
    assert lengths == codes.TEXT_LIMITS

