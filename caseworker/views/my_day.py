"""Load My day for one caseworker (or the whole team)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseworker.context import AppContext
from caseworker.reports.my_day import FOLLOW_UPS, MyDay, WorkItem, build_my_day
from caseworker.reports.my_day_plans import AMENDMENT_WINDOW_DAYS, TRANSFER_UNCONSULTED_DAYS, add_plan_work
from caseworker.services.case_notes import NOTE_KIND_TITLES, london_day
from caseworker.statutory.clocks import due_day
from caseworker.statutory.cohort import born_to_move_soon
from caseworker.statutory.plans import TRANSFER_SHOWN_AFTER_DONE, clocks_for
from caseworker.statutory.risk import typical_turnaround
from caseworker.statutory.rows import Timescale
from caseworker.statutory.rules import Rules
from caseworker.store.case_select import reading
from caseworker.store.models import Case, Staff
from caseworker.store.my_day_reads import MyDayReads
from caseworker.store.plan_reads import plan_facts
from caseworker.store.plan_work_reads import NARROWED_OFFSETS, Among, DueBy, maybe_with_work
from caseworker.store.queries import advice_returns, load_request_facts
from caseworker.views.case_notes import FollowUp, open_follow_ups
from caseworker.views.my_day_unallocated import WaitingCase, waiting_cases
from caseworker.vocabulary import short_date

# Turnaround uses each service's recent returns; a year is plenty to hold its last 20.
TURNAROUND_LOOKBACK = timedelta(days=365)


def load_my_day(ctx: AppContext, today: date, caseworker: str | None = None) -> MyDay:
    with reading(ctx.db) as s:  # no transaction: no round trips to open and end one
        return read_my_day(s, ctx, today, caseworker)


@dataclass(frozen=True, slots=True)
class MyDayPage:
    """What the desktop's My day shows: the work, everyone's names and (for a team lead) the cases nobody
    holds (None when that list is not asked for); and the services' typical turnaround it was worked out
    with, for a later reload of a few changed cases (``reload_cases``)."""

    day: MyDay
    names: dict[str, str]
    unallocated: list[WaitingCase] | None
    turnaround: dict[str, int]


def load_my_day_page(ctx: AppContext, today: date, caseworker: str | None, unallocated: bool) -> MyDayPage:
    """My day with the names and the cases nobody holds, through one connection: one check of it when it is
    taken from the pool, not three (each a round trip to a team database)."""
    rules = ctx.engine.rules
    with reading(ctx.db) as s:
        # The returns and the plans first: on SQLite their statements run on a second core meanwhile.
        early = MyDayReads(s, since=today - TURNAROUND_LOOKBACK, latest=rules.turnaround_window,
                           caseworker=caseworker, among=may_have_work(rules, today))
        try:
            day = read_my_day(s, ctx, today, caseworker, early=early)
        finally:
            early.close()
        turnaround = early.turnaround(rules)  # worked out for the page already
        return MyDayPage(day, staff_names(s), waiting_cases(ctx, today, s) if unallocated else None, turnaround)


def reload_cases(ctx: AppContext, page: MyDayPage, today: date, caseworker: str | None,
                 case_ids: set[int]) -> MyDayPage:
    """``page`` with the work of ``case_ids`` read again (a change to a few cases, as a live update reports
    it): their requests, plans and follow-ups only, not the whole team's 20,000 plans and 5,000 requests.
    The turnaround and the names are the page's; the cases nobody holds are read again (a few)."""
    with reading(ctx.db) as s:
        refs = list(s.scalars(select(Case.reference).where(Case.id.in_(case_ids))))
        fresh = read_my_day(s, ctx, today, caseworker, page.turnaround, only=(case_ids, refs))
        waiting = waiting_cases(ctx, today, s) if page.unallocated is not None else None
    day = MyDay(today, {key: sorted([i for i in items if i.case_id not in case_ids] + fresh.sections.get(key, []),
                                    key=lambda i: (i.days_left, i.reference))
                        for key, items in page.day.sections.items()})
    return MyDayPage(day, page.names, waiting, page.turnaround)


def read_turnaround(s: Session, ctx: AppContext, today: date) -> dict[str, int]:
    """Each service's typical days to return advice, from its latest returns."""
    returns = advice_returns(s, since=today - TURNAROUND_LOOKBACK, latest=ctx.engine.rules.turnaround_window)
    return typical_turnaround(returns, ctx.engine.rules)


def read_my_day(s: Session, ctx: AppContext, today: date, caseworker: str | None = None,
                turnaround: dict[str, int] | None = None,
                only: tuple[set[int], list[str]] | None = None, early: MyDayReads | None = None) -> MyDay:
    """My day through a session the caller holds; ``only``: just these cases (their ids and references);
    ``early``: the returns and plans, already started by the caller (for the whole of this person's My day)."""
    ids, refs = only if only is not None else (None, None)
    rules = ctx.engine.rules
    facts = load_request_facts(s, open_only=True, caseworker=caseworker, references=refs)
    follow_ups = [f for f in open_follow_ups(s, today, caseworker) if ids is None or f.case_id in ids]
    deadlines = ctx.engine.evaluate_all(facts, today)
    if turnaround is None:
        turnaround = early.turnaround(rules) if early is not None else read_turnaround(s, ctx, today)
    day = build_my_day(deadlines, today, turnaround, rules)
    day.sections[FOLLOW_UPS] = sorted((follow_up_item(f, today) for f in follow_ups),
                                      key=lambda i: (i.days_left, i.reference))
    if ids is not None:
        maintained = plan_facts(s, caseworker=caseworker, case_ids=sorted(ids), latest_reviews=True)
    elif early is not None:
        maintained = early.plans()
    else:  # the plans in place that may have work (only this person's when one is shown)
        maintained = plan_facts(s, caseworker=caseworker, among=may_have_work(rules, today), latest_reviews=True)
    clocks = clocks_for(rules, ctx.engine.calendar)
    add_plan_work(clocks.schedule_all(maintained, today), today, day, rules)
    return day


def may_have_work(rules: Rules, today: date) -> Among | None:
    """The test of which plans may have a line on My day today (None: every plan is read)."""
    reviews_from = review_started_by(rules, today)
    if reviews_from is None:
        return None
    notices = amendment_notices_by(rules, today)
    due_by = None if notices is None else DueBy(today, *notices, today - TRANSFER_SHOWN_AFTER_DONE)
    return maybe_with_work(reviews_from, moving_soon(rules, today), due_by)


def moving_soon(rules: Rules, today: date) -> list[tuple[int, date, date]]:
    """The births, for each year group offset, of children whose move may be at risk before it is recorded."""
    return [(offset, *born) for offset in NARROWED_OFFSETS
            for born in born_to_move_soon(today, TRANSFER_UNCONSULTED_DAYS, rules, offset)]


def staff_names(s: Session) -> dict[str, str]:
    """Everyone's name by username, those who have left too (their work may still show)."""
    return {username: name for username, name in s.execute(select(Staff.username, Staff.display_name))}


def review_started_by(rules: Rules, today: date) -> date | None:
    """The latest start of a review clock whose review is due within its due-soon window today, or overdue,
    as the plan clocks count its due day (None: a period of a fixed day, counted back or from another row,
    where every plan is read)."""
    row = rules.row("annual_review")
    return started_by(row, today + timedelta(days=rules.due_soon_days if row.due_soon_days is None
                                             else row.due_soon_days), rules)


def started_by(row: Timescale, last: date, rules: Rules) -> date | None:
    """The latest start of ``row``'s clock whose due day, as the plan clocks count it, is on or before
    ``last`` (None: a period of a fixed day, counted back or from another row, which is not narrowed)."""
    p = row.period
    if p.on is not None or min(p.days, p.weeks, p.months) < 0 or any(n in rules.table for n in row.starts_from):
        return None
    # The due day never moves back as the start moves on: halve the days between a start early enough (a
    # month is at most 31 days) and one too late until they meet.
    early = last - timedelta(days=31 * p.months + 7 * p.weeks + p.days + 1)
    late = last + timedelta(days=1)
    if due_day(row, late, rules) <= last:
        return None  # a period too short to narrow anything
    while (late - early).days > 1:
        middle = early + timedelta(days=(late - early).days // 2)
        early, late = (middle, late) if due_day(row, middle, rules) <= last else (early, middle)
    return early


def amendment_notices_by(rules: Rules, today: date) -> tuple[date, date] | None:
    """The latest notice of proposed amendments (sent, and served) whose amendment can be on My day today:
    its final amended plan due within the window, or the family's days to comment over (None: either clock
    is not narrowed). An amendment sent later, and served later, has neither (``my_day_plans.amendment_due``)."""
    final, comment = rules.row("amendment_final"), rules.row("amendment_comment")
    if final.starts_from != ("amendment_notice_sent",) or comment.starts_from != ("amendment_notice_served",):
        return None  # started by other events than the ones the narrowing reads
    sent = started_by(final, today + timedelta(days=AMENDMENT_WINDOW_DAYS), rules)
    served = started_by(comment, today - timedelta(days=1), rules)
    return None if sent is None or served is None else (sent, served)


def follow_up_item(f: FollowUp, today: date) -> WorkItem:
    """A note's follow-up as a line of work: the case, the child and the note's first line."""
    gap = (f.due - today).days
    said = f"{NOTE_KIND_TITLES.get(f.kind, f.kind)} on {short_date(london_day(f.happened_at))}"
    return WorkItem(FOLLOW_UPS, f.case_id, f.reference, f.child, f.caseworker, f.first_line or "(no text)", f.due,
                    None, max(0, -gap), gap, said, note_id=f.note_id, note_version=f.note_version)
