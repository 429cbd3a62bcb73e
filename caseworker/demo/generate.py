"""The whole demo council as records, before anything touches a database.

One ``random.Random(seed)`` drives everything in a fixed order (staff, schools, services, requests,
plans in place), and nothing reads the clock: the same seed and ``today`` give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.demo.cases import (
    Simulator,
    Timeline,
    allocate,
    fill_child,
    plan_in_place,
    request_source,
    weekday_before,
)
from caseworker.demo.details import DemoRecord
from caseworker.demo.people import DemoChild, PeopleFactory
from caseworker.demo.showcase import SCENARIOS, scenario_timeline
from caseworker.demo.team import (
    EARLY_YEARS_SERVICE,
    DemoSchool,
    Team,
    make_schools,
    make_services,
    make_team,
)
from caseworker.store.records import CaseRecord, SchoolRecord, ServiceRecord, StaffRecord

HISTORY_DAYS = 364  # requests received in the last year are on record with their steps


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    plans: int  # plans in place, counting those issued in the last year
    open_requests: int
    caseworkers: int
    team_leads: int
    school_copies: int  # the county's pattern of schools, repeated for bigger councils


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 60, 40, 3, 2, 1),
    "county": Scale("county", 1_300, 300, 8, 2, 1),
    "large": Scale("large", 20_000, 5_000, 60, 4, 6),
    "national": Scale("national", 640_000, 160_000, 1_500, 100, 40),
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown demo scale {name!r}; choose one of {', '.join(SCALES)}") from None


@dataclass
class DemoData:
    scale: Scale
    today: date
    team: Team
    schools: list[DemoSchool]
    services: list[ServiceRecord]
    service_bodies: dict[str, str]  # service name -> who it answers to, where not the council itself
    requests: list[DemoRecord]  # every request of the last year, open, issued or closed
    plans_in_place: int
    width: int
    _people: PeopleFactory
    _rng: random.Random

    @property
    def staff(self) -> list[StaffRecord]:
        return self.team.staff

    @property
    def school_records(self) -> list[SchoolRecord]:
        return [s.record for s in self.schools]

    def plan_batches(self, size: int = 10_000) -> Iterator[list[CaseRecord]]:
        """The plans in place, made as they are written so a national demo fits in memory."""
        rng, people, today = self._rng, self._people, self.today
        batch: list[CaseRecord] = []
        for n in range(1, self.plans_in_place + 1):
            child = people.child(plan=True)
            r = fill_child(plan_in_place(rng, today, child), child)
            r.reference = f"EHC-{n:0{self.width}d}"
            r.caseworker = allocate(rng, self.team, child)
            batch.append(r)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


def generate(scale: Scale, *, today: date, login: str, seed: int) -> DemoData:
    rng = random.Random(f"caseworker-demo:{seed}:{scale.name}")
    team = make_team(rng, scale.caseworkers, scale.team_leads, login)
    schools = make_schools(rng, scale.school_copies)
    by_kind = make_services(rng)
    services = [s.record for kind in by_kind.values() for s in kind]
    services.append(ServiceRecord(name=EARLY_YEARS_SERVICE, kind="education", email="early.years@example.gov.uk",
                                  address="Hillside Children's Centre\nRoman Road\nHereford", postcode="HR1 1LE",
                                  lead_name=None))
    services.extend(ServiceRecord(name=s.name, kind="education", address=s.record.address,
                                  postcode=s.record.postcode, email=s.record.email) for s in schools)
    bodies = {s.record.name: s.body for kind in by_kind.values() for s in kind if s.body != "council"}
    bodies.update((s.name, "school") for s in schools)
    people = PeopleFactory(rng, today, schools)
    sim = Simulator(rng, today, by_kind)

    made: list[tuple[Timeline, DemoRecord]] = []
    open_count = 0
    for scenario in SCENARIOS:
        child = people.child(plan=False, born_before=today - timedelta(days=scenario.back + 200))
        tl = scenario_timeline(scenario, today, child, sim)
        made.append((tl, _request_record(rng, tl, child, team, today)))
        open_count += tl.open_on(today)
    while open_count < scale.open_requests:
        received = weekday_before(today - timedelta(days=rng.randint(0, HISTORY_DAYS)))
        child = people.child(plan=False, born_before=received - timedelta(days=200))
        tl = sim.simulate(received, child)
        if tl.open_on(today):
            open_count += 1
        made.append((tl, _request_record(rng, tl, child, team, today)))
    made.sort(key=lambda pair: pair[0].received)  # stable: ties keep the order they were made in
    issued = sum(tl.issued_by(today) for tl, _ in made)
    plans_in_place = max(scale.plans - issued, scale.plans // 10)
    width = max(5, len(str(plans_in_place + len(made))))
    requests = []
    for n, (_, record) in enumerate(made, start=plans_in_place + 1):
        record.reference = f"EHC-{n:0{width}d}"
        requests.append(record)
    return DemoData(scale, today, team, schools, services, bodies, requests, plans_in_place, width, people, rng)


def _request_record(rng: random.Random, tl: Timeline, child: DemoChild, team: Team, today: date) -> DemoRecord:
    r = fill_child(tl.record("", today), child)
    r.request_source = request_source(rng, child, today)
    # A few new requests wait for allocation; everything else has a named caseworker.
    waiting = r.decision_to_assess is None and (today - tl.received).days < 21 and rng.random() < 0.25
    r.caseworker = None if waiting else allocate(rng, team, child)
    return r
