"""Load My day for one caseworker (or the whole team)."""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.context import AppContext
from caseworker.reports.my_day import FOLLOW_UPS, MyDay, WorkItem, build_my_day
from caseworker.services.case_notes import NOTE_KIND_TITLES, london_day
from caseworker.statutory.risk import typical_turnaround
from caseworker.store.queries import advice_returns, load_request_facts
from caseworker.views.case_notes import FollowUp, open_follow_ups
from caseworker.vocabulary import short_date

# Turnaround uses each service's recent returns; a year is plenty to hold its last 20.
TURNAROUND_LOOKBACK = timedelta(days=365)


def load_my_day(ctx: AppContext, today: date, caseworker: str | None = None) -> MyDay:
    with ctx.db.sessions() as s:
        facts = load_request_facts(s, open_only=True, caseworker=caseworker)
        returns = advice_returns(s, since=today - TURNAROUND_LOOKBACK)
        follow_ups = open_follow_ups(s, today, caseworker)
    turnaround = typical_turnaround(returns, ctx.engine.rules)
    day = build_my_day(ctx.engine.evaluate_all(facts, today), today, turnaround, ctx.engine.rules)
    day.sections[FOLLOW_UPS] = sorted((follow_up_item(f, today) for f in follow_ups),
                                      key=lambda i: (i.days_left, i.reference))
    return day


def follow_up_item(f: FollowUp, today: date) -> WorkItem:
    """A note's follow-up as a line of work: the case, the child and the note's first line."""
    gap = (f.due - today).days
    said = f"{NOTE_KIND_TITLES.get(f.kind, f.kind)} on {short_date(london_day(f.happened_at))}"
    return WorkItem(FOLLOW_UPS, f.case_id, f.reference, f.child, f.caseworker, f.first_line or "(no text)", f.due,
                    None, max(0, -gap), gap, said, note_id=f.note_id, note_version=f.note_version)
