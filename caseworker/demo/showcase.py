"""Hand-made requests, fixed relative to ``today``, so every demo shows every kind of work.

However small the demo and whatever the seed, the team sees a decision overdue and one due this
week, advice due this week, late EP and health advice, advice received late, exceptions recorded
before and after a deadline and one whose circumstances were over before the request came (it excuses
nothing), a final plan overdue and one due this week, a draft's latest safe day coming up, a posted
draft with a later served date, a school consulted on a draft, social care advice already available
used under reg 6(4), and recently issued plans naming their settings, one of them late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.demo.cases import Simulator, Timeline, weekday, weekday_before
from caseworker.demo.details import consult, settle
from caseworker.demo.people import DemoChild
from caseworker.demo.team import EARLY_YEARS_SERVICE
from caseworker.store.records import AdviceRecord

# Advice as (kind, requested, received or None), in days after the request was received.
Advice = tuple[str, int, int | None]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    back: int  # the request was received this many days before today
    dta: tuple[bool, int] | None = None
    advice: tuple[Advice, ...] = ()
    dti: tuple[bool, int] | None = None
    draft: int | None = None
    posted: bool = False
    final: int | None = None
    withdrawn: int | None = None
    exception: tuple[str, int, str] | None = None  # ground, recorded, note
    # The days the exception's circumstances began and ended (None: still going), when not the day recorded.
    circumstances: tuple[int, int | None] | None = None


def _all(req: int, ep: int | None, health: int | None, edu: int | None,
         social: int | None = None) -> tuple[Advice, ...]:
    out: list[Advice] = [("ep", req, ep), ("health", req, health), ("education", req, edu)]
    if social is not None:
        out.append(("social_care", req, social))
    return tuple(out)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("decision to assess overdue", back=50),
    Scenario("decision to assess due this week", back=38),
    Scenario("advice due this week", back=52, dta=(True, 10),
             advice=(("ep", 13, None), ("health", 13, None), ("education", 13, 40), ("social_care", 13, None))),
    Scenario("EP and health advice late; social care received late", back=100, dta=(True, 38),
             advice=_all(40, None, None, 70, 88)),
    Scenario("exception recorded before the week-16 decision", back=125, dta=(True, 40),
             advice=_all(42, 106, None, 75),
             exception=("c", 105, "Parent admitted to hospital; the family asked for the assessment to pause"),
             circumstances=(98, None)),
    Scenario("exception over before the request came: it excuses nothing", back=52,
             exception=("c", 20, "Child in hospital for surgery in the autumn; home and well before the request"),
             circumstances=(-45, -8)),
    Scenario("final plan overdue", back=150, dta=(True, 35), advice=_all(37, 95, 80, 70, 60),
             dti=(True, 108), draft=121),
    Scenario("exception recorded after the final plan's deadline", back=165, dta=(True, 41),
             advice=_all(43, 120, 100, 80), dti=(True, 126), draft=138,
             exception=("d", 146, "Family abroad for six weeks caring for a grandparent")),
    Scenario("final plan due this week (draft posted)", back=136, dta=(True, 30),
             advice=_all(32, 70, 72, 60, 66), dti=(True, 88), draft=100, posted=True),
    Scenario("latest safe day for the draft this week", back=113, dta=(True, 36),
             advice=_all(38, 79, 84, 66), dti=(True, 96)),
    Scenario("final plan issued late", back=185, dta=(True, 44), advice=_all(46, 125, 118, 81, 90),
             dti=(True, 140), draft=150, final=172),
    Scenario("final plan issued on time", back=160, dta=(True, 30), advice=_all(32, 70, 68, 55),
             dti=(True, 95), draft=105, final=133),
    Scenario("decision not to assess", back=70, dta=(False, 39)),
    Scenario("withdrawn during assessment", back=90, dta=(True, 35), advice=_all(37, None, 70, 60),
             withdrawn=75),
)


def scenario_timeline(s: Scenario, today: date, child: DemoChild, sim: Simulator) -> Timeline:
    received = today - timedelta(days=s.back)

    def on(offset: int) -> date:
        return weekday_before(received + timedelta(days=offset))

    tl = Timeline(received)
    if s.dta is not None:
        tl.dta = (s.dta[0], on(s.dta[1]))
    for kind, req, got in s.advice:
        if kind == "education":
            service = child.school.name if child.school else EARLY_YEARS_SERVICE
        else:
            service = sim.services[kind][0].record.name
        tl.advice.append(AdviceRecord(kind, on(req), on(got) if got is not None else None, service))
    if s.dti is not None:
        tl.dti = (s.dti[0], on(s.dti[1]))
    if s.draft is not None:
        tl.draft_sent = on(s.draft)
        if s.posted:
            tl.draft_served = weekday(weekday(tl.draft_sent + timedelta(days=1)) + timedelta(days=1))
    if s.final is not None:
        tl.final = on(s.final)
    if s.withdrawn is not None:
        tl.withdrawn = on(s.withdrawn)
        tl.withdrawn_reason = "Family moved out of the area"
    if s.exception is not None:
        ground, at, note = s.exception
        began, ended = s.circumstances or (at, None)
        tl.except_(ground, on(at), note, on(began), on(ended) if ended is not None else None)
    consult(tl, child, 7, "agrees")
    settle(tl, child)
    return tl
