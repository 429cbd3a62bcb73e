"""Demo children and their families: names, birth dates, valid identifiers, needs, schools, contacts.

Identifiers pass the same checks as real ones (UPN check letter and a real LA number, NHS number and
ULN check digits) without being anyone's: NHS numbers come from the 999 range the NHS keeps for
testing, and every UPN, NHS number and ULN is unique within a demo database.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from caseworker.demo.names import Person, adult_name, ascii_slug, child_name, parent_of
from caseworker.demo.team import (
    LA_NUMBER,
    DemoSchool,
    Place,
    address,
    landline,
    mobile,
    pick_place,
    postcode,
)
from caseworker.identifiers import nhs_number_from, uln_from, upn_check_letter
from caseworker.letters.correspondent import end_of_compulsory_school_age
from caseworker.store.records import ContactRecord

# SEN2 primary need of pupils with an EHC plan in England, roughly (per cent).
PRIMARY_NEED = {"ASD": 33.0, "SLCN": 21.0, "SEMH": 14.5, "SLD": 8.5, "MLD": 7.0, "PD": 4.0, "SPLD": 3.0,
                "PMLD": 2.5, "OTH": 2.5, "HI": 1.5, "DS": 1.4, "VI": 0.8, "MSI": 0.3}
_NEEDS = tuple(PRIMARY_NEED)
_NEED_CUM = tuple(itertools.accumulate(PRIMARY_NEED.values()))
SPECIAL_LIKELY = frozenset({"SLD", "PMLD", "MSI", "DS"})
SPECIALIST_SHARE = 0.15  # of children with plans at special schools: placed at a non-maintained or independent one
SENSORY = frozenset({"HI", "VI", "MSI"})

# Age bands (years at today) and their weights: new requests skew young, plans in place older.
AgeBands = tuple[tuple[int, int, float], ...]
REQUEST_AGES: AgeBands = ((0, 4, 22.0), (5, 10, 40.0), (11, 15, 25.0), (16, 19, 10.0), (20, 24, 3.0))
PLAN_AGES: AgeBands = ((2, 4, 6.0), (5, 10, 35.0), (11, 15, 34.0), (16, 19, 19.0), (20, 25, 6.0))
_AGE_CUM: dict[AgeBands, tuple[float, ...]] = {
    bands: tuple(itertools.accumulate(b[2] for b in bands)) for bands in (REQUEST_AGES, PLAN_AGES)}

COUNTRIES = {"polish": "Poland", "romanian": "Romania", "bulgarian": "Bulgaria", "lithuanian": "Lithuania",
             "south_asian": "Pakistan", "african": "Nigeria", "east_asian": "Vietnam", "irish": "Ireland",
             "ukrainian": "Ukraine", "portuguese": "Portugal"}


@dataclass(slots=True)
class DemoChild:
    person: Person
    date_of_birth: date
    place: Place
    postcode: str
    primary_need: str
    school: DemoSchool | None
    upn: str | None
    nhs_number: str
    uln: str | None
    contacts: list[ContactRecord]

    @property
    def team(self) -> str:
        return self.place.team

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Identifiers:
    """Unique, valid identifiers, handed out in a fixed order (so the demo is deterministic)."""

    NHS_STRIDE = 7_919  # coprime with 10**6: walks the whole 999 test range before repeating
    ULN_STRIDE = 104_729

    def __init__(self) -> None:
        self._nhs = 0
        self._uln = 0
        self._upn_serial: dict[tuple[int, int], int] = {}

    def nhs(self) -> str:
        while True:
            self._nhs += 1
            body = f"999{(self._nhs * self.NHS_STRIDE) % 1_000_000:06d}"
            number = nhs_number_from(body)
            if number is not None:
                return number

    def uln(self) -> str:
        while True:
            self._uln += 1
            body = f"{100_000_000 + (self._uln * self.ULN_STRIDE) % 900_000_000:09d}"
            number = uln_from(body)
            if number is not None:
                return number

    def upn(self, estab: int, year: int) -> str:
        """Check letter, LA number, the issuing school's DfE number, the year of issue, a serial."""
        while True:
            key = (estab, year % 100)
            serial = self._upn_serial.get(key, 0) + 1
            self._upn_serial[key] = serial
            if serial < 1000:
                body = f"{LA_NUMBER:03d}{estab:04d}{year % 100:02d}{serial:03d}"
                return upn_check_letter(body) + body
            estab = 2000 + (estab + 37) % 8000  # that school's serials are used up: another school


class PeopleFactory:
    """Makes children with families, schools and identifiers, all from one random stream."""

    def __init__(self, rng: random.Random, today: date, schools: list[DemoSchool]) -> None:
        self.rng = rng
        self.today = today
        self.ids = Identifiers()
        self._contact_serial = 0
        self._schools: dict[tuple[str, str], list[DemoSchool]] = {}
        for s in schools:
            self._schools.setdefault((s.phase, s.team), []).append(s)
            self._schools.setdefault((s.phase, ""), []).append(s)
        self._primaries = [s for s in schools if s.phase == "primary"]

    def _age_days(self, bands: AgeBands) -> int:
        rng = self.rng
        low, high, _ = rng.choices(bands, cum_weights=_AGE_CUM[bands])[0]
        return rng.randint(low * 365 + 30, high * 365 + 330)

    def child(self, *, plan: bool, born_before: date | None = None) -> DemoChild:
        rng = self.rng
        sex = "M" if rng.random() < (0.72 if plan else 0.68) else "F"
        person = child_name(rng, sex)
        dob = self.today - timedelta(days=self._age_days(PLAN_AGES if plan else REQUEST_AGES))
        if born_before is not None and dob > born_before:
            dob = born_before - timedelta(days=rng.randint(0, 700))
        place = pick_place(rng)
        need = rng.choices(_NEEDS, cum_weights=_NEED_CUM)[0]
        child = DemoChild(person, dob, place, postcode(rng, place), need, None, None, self.ids.nhs(), None, [])
        age = child.age_on(self.today)
        child.school = self._school_for(age, need, place.team)
        if plan and child.school is not None and child.school.phase == "special":
            child.school = self._specialist(age) or child.school
        if age >= 4 or (child.school is not None and child.school.phase != "early_years"):
            first = child.school if child.school and child.school.phase == "primary" else None
            estab = (first or rng.choice(self._primaries)).estab
            child.upn = self.ids.upn(estab, min(dob.year + 4 + (dob.month >= 9), self.today.year))
        if age >= 14:
            child.uln = self.ids.uln()
        child.contacts = self._contacts(child, age)
        return child

    def _school_for(self, age: int, need: str, team: str) -> DemoSchool | None:
        rng = self.rng
        special = rng.random() < (0.75 if need in SPECIAL_LIKELY else 0.25)
        if age < 3:
            phase = "early_years" if rng.random() < 0.35 else None
        elif age < 5:
            phase = "early_years" if rng.random() < 0.8 else "primary"
        elif age < 11:
            phase = "special" if special else "primary"
        elif age < 16:
            phase = "special" if special or rng.random() < 0.1 else "secondary"
        elif age < 19:
            phase = "special" if special else ("secondary" if rng.random() < 0.3 else "college")
        else:
            phase = "college" if rng.random() < 0.7 else None
        if phase is None:
            return None
        options = self._schools.get((phase, team)) or self._schools.get((phase, ""))
        if not options:
            return None
        # A pupil referral unit or an outreach base ("other") is seldom where a child with a plan is.
        return rng.choices(options, weights=[0.1 if s.kind == "other" else 1.0 for s in options])[0]

    def _specialist(self, age: int) -> DemoSchool | None:
        """Now and then a non-maintained or independent special school (a specialist college from 16)."""
        rng = self.rng
        if rng.random() >= SPECIALIST_SHARE:
            return None
        options = self._schools.get(("specialist_post16" if age >= 16 else "specialist", ""))
        return rng.choice(options) if options else None

    # ------------------------------------------------------------ contacts

    def _serial(self) -> int:
        self._contact_serial += 1
        return self._contact_serial

    def _email(self, person: Person) -> str:
        domain = self.rng.choice(("example.com", "example.org", "example.net"))
        return f"{ascii_slug(person.forename)}.{ascii_slug(person.surname)}{self._serial() % 97}@{domain}"

    def _adult_contact(self, person: Person, role: str, addr: str, pc: str, main: bool) -> ContactRecord:
        rng = self.rng
        return ContactRecord(
            name=person.full_name, role=role, address=addr, postcode=pc,
            email=self._email(person) if rng.random() < 0.85 else None,
            phone=mobile(self._serial()) if rng.random() < 0.9 else landline(self._serial()),
            main_correspondent=main)

    def _contacts(self, child: DemoChild, age: int) -> list[ContactRecord]:
        rng = self.rng
        home = address(rng, child.place)
        contacts: list[ContactRecord] = []
        if rng.random() < 0.06:  # looked after: the foster carer is the correspondent at home
            contacts.append(self._adult_contact(adult_name(rng), "carer", home, child.postcode, True))
        else:
            first = parent_of(rng, child.person)
            contacts.append(self._adult_contact(first, "parent", home, child.postcode, True))
            if rng.random() < 0.45:
                other = parent_of(rng, child.person, first)
                if rng.random() < 0.3:  # separated: a second household, its own address
                    place = pick_place(rng)
                    contacts.append(self._adult_contact(other, "parent", address(rng, place),
                                                        postcode(rng, place), False))
                else:
                    contacts.append(self._adult_contact(other, "parent", home, child.postcode, False))
        if self.today > end_of_compulsory_school_age(child.date_of_birth):
            asked_otherwise = rng.random() < 0.1
            own_home = age >= 19 and rng.random() < 0.3
            place = pick_place(rng) if own_home else child.place
            yp_address = address(rng, place) if own_home else home
            yp_postcode = postcode(rng, place) if own_home else child.postcode
            contacts.append(ContactRecord(
                name=child.person.full_name, role="young_person", address=yp_address, postcode=yp_postcode,
                email=self._email(child.person) if rng.random() < 0.6 else None,
                phone=mobile(self._serial()), main_correspondent=not asked_otherwise))
            if not asked_otherwise:
                contacts[0].main_correspondent = False
        return contacts
