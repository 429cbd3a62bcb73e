"""Demo requests and plans: each request's whole future is drawn first, then cut at ``today``.

A request's timeline is simulated step by step the way a busy team's work goes: a decision to assess
at about five weeks (a quarter late), advice from EP, health, the school and social care with each
service's own turnaround (EP and health usually late, as nationally), the issue decision once the
advice is in, a draft, the family's 15 days and school consultation, then the final plan. What has
happened by ``today`` is kept, so the same seed and ``today`` always give the same data, and a
prefix of a consistent timeline is always consistent (the import's validation accepts every row).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from caseworker.demo.details import DemoRecord, Details, draw_details
from caseworker.demo.people import COUNTRIES, SENSORY, DemoChild
from caseworker.demo.team import (
    EARLY_YEARS_SERVICE,
    EDUCATION_TURNAROUND,
    DemoService,
    Team,
    Turnaround,
)
from caseworker.store.records import AdviceRecord, CaseRecord, ExceptionRecord

R = TypeVar("R", bound=CaseRecord)

DAY = timedelta(days=1)
SOURCES = ("parent", "school", "health", "other", "young_person")
SOURCE_CUM = tuple(itertools.accumulate((40.0, 45.0, 8.0, 5.0, 2.0)))
WITHDRAWN_REASONS = (
    "Family moved out of the area",
    "Parent withdrew the request: needs now met at SEN support",
    "Child moved to an independent school outside the area",
    "School withdrew the request to resubmit with fuller evidence",
)
PERSONAL_NOTES = (
    "Parent admitted to hospital; the family asked for the assessment to pause",
    "Bereavement in the family; parent asked for time before the planning meeting",
    "Child in hospital for surgery and recovery for several weeks",
    "Family in temporary accommodation after a house fire",
    "Serious illness of the main carer",
)


def weekday(d: date) -> date:
    """The same day, or the Monday after a weekend (offices act on working days)."""
    wd = d.weekday()
    return d + timedelta(days=7 - wd) if wd >= 5 else d


def weekday_before(d: date) -> date:
    wd = d.weekday()
    return d - timedelta(days=wd - 4) if wd >= 5 else d


def in_summer_closure(d: date) -> bool:
    """Within a week of the summer holidays (about 22 July to 3 September) starting or ending."""
    return date(d.year, 7, 15) <= d <= date(d.year, 8, 27)


@dataclass(slots=True)
class Timeline:
    """Every step a request will take, with its date (some after ``today``)."""

    received: date
    dta: tuple[bool, date] | None = None
    advice: list[AdviceRecord] = field(default_factory=list)
    dti: tuple[bool, date] | None = None
    draft_sent: date | None = None
    draft_served: date | None = None  # only when deemed service differs from the day sent
    final: date | None = None
    withdrawn: date | None = None
    withdrawn_reason: str | None = None
    exceptions: list[ExceptionRecord] = field(default_factory=list)
    details: Details = field(default_factory=Details)

    def except_(self, ground: str, recorded: date, note: str, began: date | None = None,
                ended: date | None = None) -> None:
        """An exception, with the days its circumstances began (default: when recorded) and ended."""
        self.exceptions.append(ExceptionRecord(ground, recorded, note))
        self.details.exception_dates[(ground, recorded)] = (began or recorded, ended)

    def closed_by(self, today: date) -> bool:
        return ((self.withdrawn is not None and self.withdrawn <= today)
                or (self.dta is not None and not self.dta[0] and self.dta[1] <= today)
                or (self.dti is not None and not self.dti[0] and self.dti[1] <= today))

    def issued_by(self, today: date) -> bool:
        return self.final is not None and self.final <= today and not self.closed_by(today)

    def open_on(self, today: date) -> bool:
        return not self.closed_by(today) and not self.issued_by(today)

    def shift_after(self, day: date, weeks: int) -> None:
        """Delay every step after ``day`` by whole weeks (keeps weekdays and the steps' order)."""
        by = timedelta(weeks=weeks)

        def later(d: date | None) -> date | None:
            return d + by if d is not None and d > day else d

        if self.dta is not None:
            self.dta = (self.dta[0], later(self.dta[1]) or self.dta[1])
        for a in self.advice:
            a.requested, a.received = later(a.requested), later(a.received)
        if self.dti is not None:
            self.dti = (self.dti[0], later(self.dti[1]) or self.dti[1])
        self.draft_sent, self.draft_served = later(self.draft_sent), later(self.draft_served)
        self.final, self.withdrawn = later(self.final), later(self.withdrawn)

    def record(self, reference: str, today: date) -> DemoRecord:
        """What has happened by ``today``, as a tracker row would hold it, with the details beyond it."""
        r = DemoRecord(reference=reference, received=self.received)
        if self.dta is not None and self.dta[1] <= today:
            r.decision_to_assess, r.decision_to_assess_on = self.dta
        r.advice = [AdviceRecord(a.kind, a.requested, a.received if a.received and a.received <= today
                                 else None, a.service)
                    for a in self.advice if a.requested is not None and a.requested <= today]
        if self.dti is not None and self.dti[1] <= today:
            r.decision_to_issue, r.decision_to_issue_on = self.dti
        if self.draft_sent is not None and self.draft_sent <= today:
            r.draft_sent = self.draft_sent
            if self.draft_served is not None and self.draft_served <= today:
                r.draft_served = self.draft_served
        if self.final is not None and self.final <= today:
            r.final_issued = self.final
        if self.withdrawn is not None and self.withdrawn <= today:
            r.withdrawn, r.withdrawn_reason = self.withdrawn, self.withdrawn_reason
        r.exceptions = [e for e in self.exceptions if e.recorded <= today]
        r.details = self.details.cut(today, r)
        return r


class Simulator:
    """Draws a request's timeline from the team's usual pace and each service's turnaround."""

    def __init__(self, rng: random.Random, today: date, services: dict[str, list[DemoService]]) -> None:
        self.rng = rng
        self.today = today
        self.services = services

    def pick_service(self, kind: str) -> DemoService:
        options = self.services[kind]
        return self.rng.choices(options, weights=[s.share for s in options])[0]

    def _tri(self, low: int, mode: int, high: int) -> timedelta:
        return timedelta(days=round(self.rng.triangular(low, high, mode)))

    def advice_plan(self, child: DemoChild) -> list[tuple[str, str, Turnaround]]:
        rng = self.rng
        plan = []
        for kind in ("ep", "health"):
            s = self.pick_service(kind)
            plan.append((kind, s.record.name, s.turnaround))
        plan.append(("education", child.school.name if child.school else EARLY_YEARS_SERVICE,
                     EDUCATION_TURNAROUND))
        if rng.random() < 0.9:  # otherwise social care advice already available is used (reg 6(4))
            s = self.pick_service("social_care")
            plan.append(("social_care", s.record.name, s.turnaround))
        if child.primary_need in SENSORY:
            s = self.services["other"][0]
            plan.append(("other", s.record.name, s.turnaround))
        elif child.age_on(self.today) >= 14 and rng.random() < 0.4:
            s = self.services["other"][1]
            plan.append(("other", s.record.name, s.turnaround))
        return plan

    def simulate(self, received: date, child: DemoChild) -> Timeline:
        rng = self.rng
        tl = Timeline(received)
        dta_on = weekday(received + self._tri(14, 35, 58))
        if rng.random() < 0.22:
            tl.dta = (False, dta_on)
            return tl
        tl.dta = (True, dta_on)
        last = dta_on
        for kind, service, turnaround in self.advice_plan(child):
            requested = weekday(dta_on + self._tri(0, 1, 6))
            days = turnaround.draw(rng)
            if kind == "education" and in_summer_closure(requested):
                reopens = date(requested.year, 9, 5)
                days += (reopens - requested).days
                ground = "b" if child.school is None or child.school.phase == "early_years" else "a"
                if rng.random() < 0.35:
                    # The circumstances: asked during the closure, until the setting reopened.
                    tl.except_(ground, weekday(requested + self._tri(1, 3, 10)),
                               f"Advice asked of {service} on {requested:%d %B %Y}, during the summer closure",
                               began=requested, ended=weekday(reopens))
            got = weekday(requested + timedelta(days=days))
            tl.advice.append(AdviceRecord(kind, requested, got, service))
            last = max(last, got)
        dti_on = weekday(max(last + self._tri(3, 10, 28), dta_on + timedelta(days=35)))
        if rng.random() < 0.07:
            tl.dti = (False, dti_on)
        else:
            tl.dti = (True, dti_on)
            tl.draft_sent = weekday(dti_on + self._tri(0, 5, 21))
            served = tl.draft_sent
            if rng.random() < 0.3:  # posted: deemed served on the second working day
                served = weekday(weekday(served + DAY) + DAY)
                tl.draft_served = served
            tl.final = weekday(served + timedelta(days=15) + self._tri(0, 8, 35))
        if rng.random() < 0.03:
            self._personal_exception(tl, child)
        if rng.random() < 0.03:
            end = tl.final or (tl.dti[1] if tl.dti else dta_on)
            span = max((end - received).days - 1, 8)
            tl.withdrawn = weekday_before(received + timedelta(days=rng.randint(7, span)))
            tl.withdrawn_reason = rng.choice(WITHDRAWN_REASONS)
            self._end_at_withdrawal(tl)
        draw_details(rng, tl, child)
        return tl

    def _personal_exception(self, tl: Timeline, child: DemoChild) -> None:
        """Ground (c) or (d): recorded at some point in the process, usually a little after the
        circumstances began (now and then before the request came in); later steps slip by weeks."""
        rng = self.rng
        assert tl.dta is not None
        end = tl.final or (tl.dti[1] if tl.dti else tl.dta[1] + timedelta(days=60))
        at = weekday_before(tl.dta[1] + timedelta(days=rng.randint(0, max((end - tl.dta[1]).days, 1))))
        began = at - timedelta(days=rng.randint(0, 14))
        if rng.random() < 0.2:
            began = tl.received - timedelta(days=rng.randint(5, 30))
        weeks = rng.randint(3, 9)
        if rng.random() < 0.6:
            tl.except_("c", at, rng.choice(PERSONAL_NOTES), began, at + timedelta(weeks=weeks))
        else:
            country = COUNTRIES.get(child.person.community)
            note = (f"Family visiting relatives in {country} for six weeks from {began:%d %B %Y}" if country
                    else "Family away from the area for six weeks caring for a relative")
            tl.except_("d", at, note, began, began + timedelta(weeks=6))
        tl.shift_after(at, weeks)

    @staticmethod
    def _end_at_withdrawal(tl: Timeline) -> None:
        w = tl.withdrawn
        assert w is not None
        if tl.dta is not None and tl.dta[1] > w:
            tl.dta = None
        tl.advice = [a for a in tl.advice if a.requested is not None and a.requested <= w]
        for a in tl.advice:
            if a.received is not None and a.received > w:
                a.received = None
        if tl.dti is not None and tl.dti[1] > w:
            tl.dti = None
        if tl.draft_sent is not None and tl.draft_sent > w:
            tl.draft_sent = tl.draft_served = None
        if tl.draft_served is not None and tl.draft_served > w:
            tl.draft_served = None
        tl.final = None
        tl.exceptions = [e for e in tl.exceptions if e.recorded <= w]


def fill_child(r: R, child: DemoChild) -> R:
    p = child.person
    r.forename, r.surname, r.sex, r.date_of_birth = p.forename, p.surname, p.sex, child.date_of_birth
    r.upn, r.nhs_number, r.uln = child.upn, child.nhs_number, child.uln
    r.postcode, r.primary_need = child.postcode, child.primary_need
    if child.school is not None:
        r.school_urn, r.school_name = child.school.record.urn, child.school.name
    r.contacts = child.contacts
    return r


def allocate(rng: random.Random, team: Team, child: DemoChild) -> str:
    """A caseworker of the child's locality, part-timers getting proportionately fewer cases."""
    names, weights = team.caseworkers_by_team[child.team], team.fte_by_team[child.team]
    if not names:  # a team too small to cover every locality
        names = [n for t in team.caseworkers_by_team.values() for n in t]
        weights = [w for t in team.fte_by_team.values() for w in t]
    return rng.choices(names, weights=weights)[0]


def request_source(rng: random.Random, child: DemoChild, today: date) -> str:
    source = rng.choices(SOURCES, cum_weights=SOURCE_CUM)[0]
    if source == "young_person" and child.age_on(today) < 16:
        return "parent"
    return source


def plan_in_place(rng: random.Random, today: date, child: DemoChild) -> CaseRecord:
    """A plan issued before the tracker's history: no request clock, only its issue date."""
    earliest = max(child.date_of_birth + timedelta(days=400), today - timedelta(days=12 * 365))
    latest = today - timedelta(days=370)
    if earliest > latest:
        earliest = latest - timedelta(days=30)
    issued = weekday_before(earliest + timedelta(days=rng.randint(0, (latest - earliest).days)))
    return CaseRecord(reference="", final_issued=issued)
