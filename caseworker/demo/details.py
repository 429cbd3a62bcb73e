"""What a demo request records beyond a tracker row: how each advice request went, reg 8(2) excuses,
advice on preparing for adulthood, reg 6(4) advice already available, the days an exception's
circumstances began and ended, consultations with settings and the setting named in the final plan.

Drawn with the rest of a request's timeline (the whole future first), then cut at ``today`` like the
steps themselves, so what is kept is always consistent (docs/law.md#advice, #exceptions, #named-setting).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from caseworker.statutory.required_advice import ALWAYS_REQUIRED, PFA_FROM_YEAR, school_year
from caseworker.store.records import CaseRecord

if TYPE_CHECKING:
    from caseworker.demo.cases import Timeline
    from caseworker.demo.people import DemoChild

# The share of each kind's requests sent by post; health trusts also take referrals through a portal.
POSTED = {"ep": 0.08, "health": 0.15, "social_care": 0.04, "education": 0.10, "other": 0.10}
PORTAL = {"health": 0.30}
EXCUSED_SHARE = 0.04  # of late EP and health advice: a reg 8(2) ground is recorded
EXCUSES = (  # reg 8(2) ground, weight, note
    ("missed_appointment", 6, "The appointment on {day} was missed; the service has offered another"),
    ("exceptional", 2, "Parent in hospital; the assessment visit arranged for {day} was put off"),
    ("absent", 2, "The family has been away from the area since {day}, for about five weeks"),
)
EXISTING_REASONS = (
    "The child in need plan reviewed on {day} sets out the social care needs; the social worker and the "
    "family agree it is enough",
    "Social care advice written for the short breaks assessment on {day} is current; the social worker "
    "and the family agree it is enough",
    "The early help assessment completed on {day} gives the social care picture; the early help worker and "
    "the family agree it is enough",
)
REPLIES = (("agrees", 75), ("declines", 12), ("other", 13))


@dataclass(frozen=True, slots=True)
class Excuse:
    """A reg 8(2) ground recorded on an advice request, and when its circumstances began and ended."""

    ground: str
    began: date
    ended: date | None
    note: str


@dataclass(frozen=True, slots=True)
class DemoConsultation:
    """A setting consulted on being named in the plan (CFA s39), and its reply."""

    school_urn: str
    school: str
    sent: date
    replied: date | None = None
    reply: str | None = None


@dataclass(slots=True)
class Details:
    sent_by: dict[str, str] = field(default_factory=dict)  # advice kind -> way, where not email
    covers_pfa: set[str] = field(default_factory=set)  # advice kinds that cover preparing for adulthood
    excuses: dict[str, Excuse] = field(default_factory=dict)  # advice kind -> reg 8(2) excuse
    # (ground, recorded) -> the days the exception's circumstances began and ended
    exception_dates: dict[tuple[str, date], tuple[date, date | None]] = field(default_factory=dict)
    existing_advice: dict[str, str] = field(default_factory=dict)  # kind -> reg 6(4) reason
    consultations: list[DemoConsultation] = field(default_factory=list)
    named_setting_urn: str | None = None  # the setting named in section I of the final plan

    def cut(self, today: date, r: CaseRecord) -> Details:
        """What of these had happened by ``today``, for a record already cut at ``today``."""
        received = {a.kind: a.received for a in r.advice}
        recorded = {(e.ground, e.recorded) for e in r.exceptions}
        return Details(
            sent_by={k: v for k, v in self.sent_by.items() if k in received},
            covers_pfa=self.covers_pfa & set(received),
            excuses={k: replace(x, ended=_by(x.ended, today)) for k, x in self.excuses.items()
                     if k in received and x.began <= today and (received[k] or date.max) > x.began},
            exception_dates={key: (began, _by(ended, today)) for key, (began, ended) in self.exception_dates.items()
                             if key in recorded},
            existing_advice=dict(self.existing_advice) if r.decision_to_issue else {},
            consultations=[replace(c, replied=_by(c.replied, today), reply=c.reply if _by(c.replied, today) else None)
                           for c in self.consultations if c.sent <= today],
            named_setting_urn=self.named_setting_urn if r.final_issued is not None else None,
        )


def _by(day: date | None, today: date) -> date | None:
    return day if day is not None and day <= today else None


@dataclass(slots=True)
class DemoRecord(CaseRecord):
    """A demo request: a tracker row's record and the details only Caseworker itself records."""

    details: Details = field(default_factory=Details)


def _weekday(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7) if d.weekday() >= 5 else d


def settle(tl: Timeline, child: DemoChild) -> None:
    """The details that follow from the timeline itself: preparing for adulthood from year 9 (the
    school's advice covers it), reg 6(4) advice for a required kind nobody was asked for, and the
    setting named in the final plan (the child's own school or college)."""
    d = tl.details
    if tl.advice and tl.dta is not None and school_year(child.date_of_birth, tl.dta[1]) >= PFA_FROM_YEAR:
        d.covers_pfa.update(a.kind for a in tl.advice if a.kind in ("education", "other"))
    if tl.dti is not None and tl.dti[0]:
        asked = {a.kind for a in tl.advice}
        day = tl.received - timedelta(days=60 + tl.received.toordinal() % 90)
        for kind in ALWAYS_REQUIRED:
            if kind not in asked:
                reason = EXISTING_REASONS[tl.received.toordinal() % len(EXISTING_REASONS)]
                d.existing_advice[kind] = reason.format(day=f"{day:%d %B %Y}")
    if tl.final is not None and child.school is not None:
        d.named_setting_urn = child.school.record.urn


def consult(tl: Timeline, child: DemoChild, replied_after: int, reply: str) -> None:
    """The child's own school or college consulted on the day the draft goes out."""
    if tl.draft_sent is None or child.school is None or child.school.record.urn is None:
        return
    rec = child.school.record
    tl.details.consultations.append(DemoConsultation(
        rec.urn or "", rec.name, tl.draft_sent, _weekday(tl.draft_sent + timedelta(days=replied_after)), reply))


def draw_details(rng: random.Random, tl: Timeline, child: DemoChild) -> None:
    """The details a team records as it goes: how requests went, excuses, consultations."""
    d = tl.details
    for a in tl.advice:
        roll = rng.random()
        if roll < POSTED[a.kind]:
            d.sent_by[a.kind] = "post"
        elif roll < POSTED[a.kind] + PORTAL.get(a.kind, 0.0):
            d.sent_by[a.kind] = "portal"
        if a.kind in ("ep", "health") and a.requested is not None and rng.random() < EXCUSED_SHARE:
            late = a.received is None or (a.received - a.requested).days > 42
            if late:
                d.excuses[a.kind] = _excuse(rng, a.requested)
    if tl.draft_sent is not None and rng.random() < 0.85:
        reply = rng.choices([r for r, _ in REPLIES], weights=[w for _, w in REPLIES])[0]
        consult(tl, child, rng.randint(4, 20), reply)
    settle(tl, child)


def _excuse(rng: random.Random, requested: date) -> Excuse:
    """Circumstances that arose within the adviser's 6 weeks, lasting a few weeks."""
    ground, _, note = rng.choices(EXCUSES, weights=[w for _, w, _ in EXCUSES])[0]
    began = _weekday(requested + timedelta(days=rng.randint(10, 36)))
    ended = began + timedelta(days=rng.randint(28 if ground == "absent" else 7, 35))
    return Excuse(ground, began, ended, note.format(day=f"{began:%d %B}"))
