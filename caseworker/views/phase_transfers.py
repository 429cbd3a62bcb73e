"""The Phase transfers page: the children whose plans move to a new phase in one year, and how far each
move has got (reg 18).

A plan joins the year's cohort in one of two ways. Recorded: a phase transfer on the plan moves in that
year. Worked out: the child's date of birth and England's school year (moved by a year-group offset for
a child taught out of their year group) put the child at a transfer point (Reception, Year 7, Year 12)
that September, the plan was issued before the move, and nothing recorded on the plan says otherwise.
What is recorded wins: a move recorded for that year is shown as recorded, and a move recorded for a
later year takes the child out of this year's cohort. The due day of each move comes from the timescales
table (14 February; 30 March for post-16; 5 months before a move between post-16 institutions).

"The year" is the September a cohort moves: the moves after 1 September of the year before, up to and
including 1 September of that year (a move between post-16 institutions can fall in between).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from caseworker.context import AppContext
from caseworker.statutory.calendar import WorkingCalendar
from caseworker.statutory.cohort import SCHOOL_YEAR_STARTS, birth_dates_transferring, reception_year
from caseworker.statutory.engine import OVERDUE
from caseworker.statutory.plan_facts import TRANSFER_POST16_MOVE, TransferFacts
from caseworker.statutory.plans import PlanClocks, clocks_for, transfer_events
from caseworker.statutory.rules import Rules, TransferPoint
from caseworker.store.transfer_reads import PlanToMove, RecordedTransfer, plans_to_move

# How far a move has got, least done first (the page sorts by it within the same days left).
NOT_STARTED = "not_started"  # worked out from the date of birth; nothing recorded on the plan yet
RECORDED = "recorded"  # the move (its kind and date) recorded on the plan
CONSULTED = "consulted"  # the next setting consulted
REPLIED = "replied"  # the setting has replied
DONE = "done"  # the amended plan naming the next setting issued
STATES = (NOT_STARTED, RECORDED, CONSULTED, REPLIED, DONE)
STATE_WORDS = {NOT_STARTED: "Not started", RECORDED: "Transfer recorded", CONSULTED: "Next setting consulted",
               REPLIED: "Setting replied", DONE: "Done"}
REPLY_SHORT = {"agrees": "yes", "declines": "no", "other": "other"}

KIND_WORDS = {"school": "School", "post16": "Post-16", "post16_move": "Between post-16 institutions"}

# Years the page offers either side of the one being worked now.
YEARS_BEFORE, YEARS_AFTER = 1, 2


@dataclass(frozen=True, slots=True)
class TransferRow:
    """One child's move in the year: what it is, when the amended plan is due, and how far it has got."""

    case_id: int
    reference: str
    child: str
    caseworker: str  # username ("" for nobody)
    caseworker_name: str
    version: int  # the case's version when read (saving from the page checks it)
    named_setting: str  # the setting the plan names now
    kind: str  # school, post16 or post16_move
    year_group: str  # the year group moved into, when the date of birth puts the child at a transfer point
    transfer_date: date
    due: date
    work_by: date
    state: str
    status: str  # the engine's: overdue, due_soon, pending, met or met_late
    days_left: int  # to the due day; negative once it has passed
    worked_out: bool  # from the date of birth (nothing recorded for this year)
    consulted: str = ""  # the setting consulted
    consulted_id: int | None = None
    consultation_sent: date | None = None
    replied: date | None = None
    reply: str | None = None  # agrees, declines or other
    done: date | None = None
    year_group_offset: int = 0

    @property
    def is_done(self) -> bool:
        return self.state == DONE

    @property
    def is_overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def risk(self) -> tuple[int, int, int, str]:
        """Most at risk first: moves not done before done ones, then the fewest days left (overdue first),
        then the least done, then by reference."""
        return (self.is_done, self.days_left, STATES.index(self.state), self.reference)

    @property
    def state_words(self) -> str:
        if self.state == REPLIED and self.reply:
            return f"{STATE_WORDS[REPLIED]} ({REPLY_SHORT.get(self.reply, self.reply)})"
        return STATE_WORDS[self.state]

    @property
    def source_words(self) -> str:
        return "From date of birth" if self.worked_out else "Recorded"

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class PhaseTransfers:
    """The cohort of one year, worked out on ``today``, most at risk first."""

    year: int
    today: date
    rows: list[TransferRow]

    @property
    def moves_on(self) -> date:
        return date(self.year, *SCHOOL_YEAR_STARTS)

    def counts(self, rows: Iterable[TransferRow] | None = None) -> dict[str, int]:
        """How many children, done, consulted (not yet done) and overdue, of ``rows`` (default: all)."""
        chosen = self.rows if rows is None else list(rows)
        return {"children": len(chosen), "done": sum(r.is_done for r in chosen),
                "consulted": sum(r.state in (CONSULTED, REPLIED) for r in chosen),
                "overdue": sum(r.is_overdue for r in chosen)}


def transfer_year(today: date) -> int:
    """The cohort being worked now: the first 1 September after today (in December 2026, September 2027;
    through the spring and summer the cohort about to move, whose amended plans were due in February)."""
    month, day = SCHOOL_YEAR_STARTS
    return today.year if today < date(today.year, month, day) else today.year + 1


def transfer_years(today: date) -> list[int]:
    """The years the page offers: last year's cohort, this one's and the next two."""
    now = transfer_year(today)
    return list(range(now - YEARS_BEFORE, now + YEARS_AFTER + 1))


def year_window(year: int) -> tuple[date, date]:
    """The moves of ``year``: after the first day, up to and including the second (both 1 September)."""
    return date(year - 1, *SCHOOL_YEAR_STARTS), date(year, *SCHOOL_YEAR_STARTS)


def in_year(moves: date, year: int) -> bool:
    """A move belongs to ``year`` when it is after 1 September of the year before and by 1 September."""
    after, up_to = year_window(year)
    return after < moves <= up_to


class _Cohort:
    """The year's transfer points and the plan clocks, ready for many plans."""

    def __init__(self, year: int, today: date, clocks: PlanClocks) -> None:
        self.year, self.today, self.clocks = year, today, clocks
        self.points: dict[int, TransferPoint] = {p.years_after_reception: p for p in clocks.rules.transfer_points}
        self.moves = date(year, *SCHOOL_YEAR_STARTS)

    def point(self, plan: PlanToMove) -> TransferPoint | None:
        """The transfer point the child reaches this September, by date of birth and year group."""
        return self.points.get(self.year - reception_year(plan.date_of_birth, plan.year_group_offset))

    def row(self, plan: PlanToMove) -> TransferRow | None:
        recorded = [t for t in plan.transfers if in_year(t.facts.transfer_date, self.year)] if plan.transfers else []
        point = self.point(plan)
        if recorded:
            return self._row(plan, recorded[-1].facts, recorded[-1], point)
        if point is None or self.moves <= plan.plan_issued:
            return None  # no transfer point this year, or the child had moved before the plan was issued
        latest = plan.latest
        if latest is not None and latest.facts.transfer_date > self.moves:
            return None  # the plan records its next move for a later year: the record wins
        return self._row(plan, TransferFacts(point.kind, self.moves), None, point)

    def _row(self, plan: PlanToMove, t: TransferFacts, recorded: RecordedTransfer | None,
             point: TransferPoint | None) -> TransferRow:
        clocks = self.clocks
        lane = clocks.transfer_rows[t.kind]
        clock = clocks.clock(lane, transfer_events(t))
        assert clock is not None  # the move's date starts it
        m = clocks.milestone(lane, clock.due, clock.done, self.today)
        # The year group is the date of birth's when it agrees with what is recorded.
        group = point.year_group if point is not None and point.kind == t.kind and t.kind != TRANSFER_POST16_MOVE \
            and t.transfer_date == self.moves else ""
        state = _state(t, recorded)
        return TransferRow(
            plan.case_id, plan.reference, plan.child, plan.caseworker or "", plan.caseworker_name, plan.version,
            plan.named_setting.name if plan.named_setting is not None else "", t.kind, group, t.transfer_date, m.due,
            m.work_by, state, m.status, (m.due - self.today).days, recorded is None,
            (recorded.consulted or "") if recorded else "", recorded.consulted_id if recorded else None,
            t.consultation_sent, t.setting_replied, recorded.reply if recorded else None, t.done,
            plan.year_group_offset)


def _state(t: TransferFacts, recorded: RecordedTransfer | None) -> str:
    if recorded is None:
        return NOT_STARTED
    if t.done is not None:
        return DONE
    if t.setting_replied is not None:
        return REPLIED
    return CONSULTED if t.consultation_sent is not None else RECORDED


def cohort_rows(plans: Sequence[PlanToMove], year: int, today: date, rules: Rules | None = None,
                calendar: WorkingCalendar | None = None) -> list[TransferRow]:
    """Every plan of ``plans`` moving in ``year``, most at risk first."""
    cohort = _Cohort(year, today, clocks_for(rules, calendar))
    rows = [r for p in plans if (r := cohort.row(p)) is not None]
    rows.sort(key=lambda r: r.risk)
    return rows


def load_phase_transfers(ctx: AppContext, year: int | None = None, *, today: date | None = None,
                         caseworker: str | None = None) -> PhaseTransfers:
    """The cohort moving in ``year`` (default: the one being worked now) of every maintained plan, or of one
    caseworker's: one read of the plans and their transfers."""
    today = today or ctx.today()
    year = year if year is not None else transfer_year(today)
    rules = ctx.engine.rules
    # Read only the plans that may move that year: born to reach a transfer point, out of year group, or
    # with a move recorded in the year; cohort_rows decides.
    born = [(r.first, r.last) for r in birth_dates_transferring(year, rules)]
    with ctx.db.sessions() as s:
        plans = plans_to_move(s, caseworker=caseworker, born=born, moving=year_window(year))
    return PhaseTransfers(year, today, cohort_rows(plans, year, today, rules, ctx.engine.calendar))


__all__ = ["CONSULTED", "DONE", "KIND_WORDS", "NOT_STARTED", "RECORDED", "REPLIED", "STATES",
           "STATE_WORDS", "PhaseTransfers", "TransferRow", "cohort_rows", "in_year", "load_phase_transfers",
           "transfer_year", "transfer_years"]
