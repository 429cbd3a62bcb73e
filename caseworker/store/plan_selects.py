"""The plans' read (``plan_reads``) as SQLAlchemy Core selects over the models' tables.

One statement: the plans (with their caseworker and named setting joined) and every row of their reviews,
amendments, transfers and proposals to cease, in one shape (tag, case, row id, a number, six dates, seven
texts), as a UNION ALL. The NULLs are typed: PostgreSQL must know each column's type in every branch.

The desktop runs these selects through its session. The headless ``caseworker plans`` runs their SQL text
without loading SQLAlchemy: compiled from here for SQLite and PostgreSQL and kept in ``plan_sql.py``
(``tests/unit/test_plan_sql.py`` fails if the two differ). After changing a select here, or a table it
reads, regenerate:

    python -m caseworker.store.plan_selects

The read path as a whole is described in docs/read-path.md.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Integer, String, cast, literal_column, null, select, union_all
from sqlalchemy.engine import Dialect as SqlDialect
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import CompoundSelect, bindparam

from caseworker.store import kept_sql
from caseworker.store.models import Case, Child, School, Staff
from caseworker.store.plan_models import PhaseTransfer, PlanAmendment, PlanCease, PlanReview

GENERATED = Path(__file__).with_name("plan_sql.py")
# The headless report's statements, by whether one caseworker's plans are read.
KEYS = [False, True]
Rows = CompoundSelect[*tuple[Any, ...]]


def _pad(values: list[Any], size: int, empty: Any) -> list[Any]:
    return values + [cast(null(), empty) for _ in range(size - len(values))]


def _branch(tag: int, table: Any, number: Any, dates: list[Any], texts: list[Any]) -> Select[Any]:
    """One table's rows in the common shape: (tag, case, row id, number, six dates, seven texts)."""
    return select(literal_column(str(tag)), table.case_id, table.id, number, *_pad(dates, 6, Date),
                  *_pad(texts, 7, String))


def _header() -> Select[Any]:
    """The plans themselves (tag 0): issued, the child's birth and year group, the caseworker, the setting."""
    return (select(literal_column("0"), Case.id, Case.id.label("row_id"), Child.year_group_offset,
                   Case.final_issued_on, Child.date_of_birth, *_pad([], 4, Date), Case.reference,
                   Child.forename, Child.surname, Staff.username, School.urn, School.name, School.kind)
            .select_from(Case).join(Child, Child.id == Case.child_id)
            .outerjoin(Staff, Staff.id == Case.caseworker_id)
            .outerjoin(School, School.id == Case.named_setting_id))


def _branches(latest_reviews: bool = False) -> list[Select[Any]]:
    r, a, t, c = PlanReview, PlanAmendment, PhaseTransfer, PlanCease
    reviews = _branch(1, r, cast(null(), Integer), [r.meeting_on, r.invitations_sent_on, r.report_sent_on,
                                                    r.notified_on], [r.decision])
    if latest_reviews:  # the reviews not decided, and those decided last (the plan clocks' last decision)
        later = aliased(PlanReview, name="later")
        # Nothing compares as decided after a review not decided (NULL): it is kept.
        decided_since = select(later.id).where(later.case_id == r.case_id, later.notified_on > r.notified_on)
        reviews = reviews.where(~decided_since.exists())
    return [
        reviews,
        _branch(2, a, cast(null(), Integer), [a.notice_sent_on, a.notice_served_on, a.final_issued_on,
                                              a.not_amended_on], []),
        _branch(3, t, cast(null(), Integer), [t.transfer_date, t.consultation_sent_on, t.setting_replied_on,
                                              t.done_on], [t.kind]),
        _branch(4, c, c.reason, [c.proposed_on, c.decided_on, c.appeal_lodged_on, c.appeal_concluded_on,
                                 c.ceased_on, c.withdrawn_on], []),
    ]


@lru_cache(maxsize=16)
def plan_rows(*, by_caseworker: bool = False, by_case_ids: bool = False,
              among: ColumnElement[bool] | None = None, whole_first: bool = False,
              latest_reviews: bool = False) -> Rows:
    """Every issued plan's rows (a ceased plan is passed over by the reader); or those of one caseworker
    (``:caseworker``), of given cases (``:case_ids``, a list) or passing the test ``among`` on ``ehc_case``.
    ``whole_first``: ordered (by kind of row, then case), so that SQLite works out every row before it
    hands over the first (``my_day_reads``); otherwise in no order, each row handed over as it is found.
    ``latest_reviews``: of each plan's reviews only those not decided and those decided last, all the plan
    clocks' schedule reads (``last_decision``, ``review_under_way``); not the history of every review.

    When all plans are read the database need not work them out for each table. Otherwise the chosen plans
    are worked out once, as a materialised list of their cases that the plans and each table's rows are
    matched against (written out in each branch, the test ran five times: My day's test of which plans may
    have work made that a third of a second). Built once for each shape: the screens read again on every
    change the team makes."""
    issued = Case.final_issued_on.is_not(None)
    tests: list[ColumnElement[bool]] = [issued]
    if by_caseworker:
        tests.append(Case.caseworker_id == select(Staff.id).where(Staff.username == bindparam("caseworker"))
                     .scalar_subquery())
    if by_case_ids:
        tests.append(Case.id.in_(bindparam("case_ids", expanding=True)))
    if among is not None:
        tests.append(among)
    if len(tests) == 1:
        rows = union_all(_header().where(issued), *_branches(latest_reviews))
    else:
        chosen = select(Case.id).where(*tests).cte("chosen").prefix_with("MATERIALIZED")
        ids = select(chosen.c.id)
        rows = union_all(_header().where(Case.id.in_(ids)),
                         *(b.where(b.selected_columns[1].in_(ids)) for b in _branches(latest_reviews)))
    return rows.order_by(literal_column("1"), literal_column("2")) if whole_first else rows


def compiled(by_caseworker: bool, dialect: SqlDialect) -> str:
    return str(plan_rows(by_caseworker=by_caseworker).compile(dialect=dialect))


def module_text() -> str:
    """The whole of ``plan_sql.py`` as compiled now."""
    return kept_sql.module_text("plan_selects", "STATEMENTS", "dict[tuple[str, bool], str]",
                                (((name, key), compiled(key, dialect))
                                 for name, dialect in kept_sql.dialects().items() for key in KEYS))


def main(argv: Sequence[str] = ()) -> int:
    GENERATED.write_text(module_text(), encoding="utf-8")
    print(f"wrote {GENERATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
