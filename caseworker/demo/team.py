"""The demo council's people and places: staff, localities, addresses, schools and advice services.

Modelled on a county like Herefordshire (LA number 884, HR postcodes), with everything that could
reach a real person made fictional: telephone numbers come from Ofcom's ranges reserved for drama
(01632 960xxx, 07700 900xxx), e-mail addresses use example domains, and school URNs sit in a range
no real school has (99xxxx).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from caseworker.demo.names import adult_name, ascii_slug
from caseworker.store.records import SchoolRecord, ServiceRecord, StaffRecord

LA_NUMBER = 884  # Herefordshire; stdnum's UPN check knows it
COUNCIL = "Herefordshire"
STAFF_DOMAIN = "example.gov.uk"
TEAMS = ("North", "South", "East", "West")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward code may use


@dataclass(frozen=True, slots=True)
class Place:
    town: str
    district: str  # postcode outward code
    team: str
    weight: float


PLACES: tuple[Place, ...] = (
    Place("Hereford", "HR1", "East", 14),
    Place("Hereford", "HR2", "South", 12),
    Place("Hereford", "HR4", "West", 16),
    Place("Leominster", "HR6", "North", 11),
    Place("Kington", "HR5", "North", 4),
    Place("Bromyard", "HR7", "North", 4),
    Place("Ledbury", "HR8", "East", 8),
    Place("Ross-on-Wye", "HR9", "South", 9),
    Place("Peterchurch", "HR2", "South", 2),
    Place("Eardisley", "HR3", "West", 2),
    Place("Weobley", "HR4", "North", 2),
)
_PLACE_CUM = tuple(itertools.accumulate(p.weight for p in PLACES))
_TEAM_PLACES = {t: [p for p in PLACES if p.team == t] for t in ("North", "South", "East", "West")}
_TEAM_CUM = {t: tuple(itertools.accumulate(p.weight for p in ps)) for t, ps in _TEAM_PLACES.items()}

STREETS = (
    "Church Road", "Station Road", "Mill Lane", "Victoria Street", "Bridge Street", "Orchard Close",
    "Meadow View", "The Crescent", "Green Lane", "Kings Acre Road", "Hampton Park Road", "Westfield Walk",
    "Cherry Tree Close", "Brookside", "Castle Street", "Etnam Street", "Hopfield Lane", "Perrystone Road",
    "St Owen's Court", "Wye View Terrace", "Bishops Meadow", "Ash Grove", "Holly Drive", "Linden Avenue",
    "Foxglove Way", "Kestrel Court", "Poplar Row", "Ryelands Road", "Cider Mill Lane", "Ledbury Road",
    "Whitecross Road", "Quarry Lane", "Pound Close", "Cotswold Way", "Marches Way",
)
HOUSE_NAMES = ("Rose Cottage", "The Old Forge", "Orchard House", "Yew Tree Cottage", "Apple Barn",
               "1 The Granary", "Hop Kiln Cottage", "2 Church Farm Barns", "The Lodge")


def pick_place(rng: random.Random, team: str | None = None) -> Place:
    if team is not None:
        return rng.choices(_TEAM_PLACES[team], cum_weights=_TEAM_CUM[team])[0]
    return rng.choices(PLACES, cum_weights=_PLACE_CUM)[0]


def postcode(rng: random.Random, place: Place) -> str:
    return (f"{place.district} {rng.randint(1, 9)}"
            f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}")


def address(rng: random.Random, place: Place) -> str:
    """A full correspondence address without the postcode (one line per part, comma separated)."""
    roll = rng.random()
    if roll < 0.08:
        street = f"{rng.choice(HOUSE_NAMES)}, {rng.choice(STREETS)}"
    elif roll < 0.18:
        street = f"Flat {rng.randint(1, 12)}, {rng.randint(1, 90)} {rng.choice(STREETS)}"
    else:
        street = f"{rng.randint(1, 148)} {rng.choice(STREETS)}"
    return f"{street}, {place.town}, {COUNCIL}"


def landline(serial: int) -> str:
    return f"01632 960{serial % 1000:03d}"


def mobile(serial: int) -> str:
    return f"07700 900{serial % 1000:03d}"


# ---------------------------------------------------------------- staff


@dataclass(frozen=True, slots=True)
class Team:
    staff: list[StaffRecord]
    caseworkers_by_team: dict[str, list[str]]
    fte_by_team: dict[str, list[float]]
    login: str


def _unique_username(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def _staff(rng: random.Random, taken: set[str], role: str, team: str | None, serial: int,
           username: str | None = None, fte: float = 1.0) -> StaffRecord:
    person = adult_name(rng)
    first, last = ascii_slug(person.forename), ascii_slug(person.surname)
    user = username or _unique_username(f"{first[:1]}{last}"[:20], taken)
    if username is not None:
        taken.add(username)
    email_local = _unique_username(f"{first}.{last}", taken)
    # Capacities and start dates are set once the cases exist (demo/staffing.py calibrates them).
    return StaffRecord(username=user, display_name=person.full_name, role=role, team=team,
                       email=f"{email_local}@{STAFF_DOMAIN}", phone=landline(serial), fte=fte)


def make_team(rng: random.Random, caseworkers: int, team_leads: int, login: str) -> Team:
    """Caseworkers spread over the localities, team leads (the login is the first), an admin, a viewer."""
    taken: set[str] = {login}
    staff: list[StaffRecord] = []
    serial = 100
    for i in range(team_leads):
        team = TEAMS[i % len(TEAMS)] if team_leads > 1 else None
        staff.append(_staff(rng, taken, "team_lead", team, serial + i, username=login if i == 0 else None))
    serial += team_leads
    by_team: dict[str, list[str]] = {t: [] for t in TEAMS}
    fte_by_team: dict[str, list[float]] = {t: [] for t in TEAMS}
    for i in range(caseworkers):
        team = TEAMS[i % len(TEAMS)]
        fte = 1.0 if rng.random() < 0.8 else rng.choice((0.6, 0.8))
        s = _staff(rng, taken, "caseworker", team, serial + i, fte=fte)
        staff.append(s)
        by_team[team].append(s.username)
        fte_by_team[team].append(fte)
    serial += caseworkers
    staff.append(_staff(rng, taken, "admin", None, serial))
    staff.append(_staff(rng, taken, "read_only", None, serial + 1))
    return Team(staff, by_team, fte_by_team, login)


# ---------------------------------------------------------------- schools


@dataclass(frozen=True, slots=True)
class DemoSchool:
    record: SchoolRecord
    phase: str  # early_years, primary, secondary, special, college, specialist, specialist_post16
    team: str
    estab: int  # DfE establishment number, the 4 digits in a UPN
    kind: str = "maintained"  # the kind of setting (docs/law.md#named-setting)

    @property
    def name(self) -> str:
        return self.record.name


PRIMARY_NAMES = ("St Mary's CE Primary School", "Holy Trinity CE Primary School", "Brookside Primary School",
                 "Riverside Primary School", "Kingfisher Primary Academy", "Oak Hill Primary School",
                 "St Peter's Primary School", "Millbrook Primary School", "Orchard Primary School",
                 "Our Lady's RC Primary School", "Wyebridge Community Primary School",
                 "Castle View Primary School")
CITY_SECONDARY_NAMES = ("Wyeside High School", "Bishop's Meadow Academy", "Kings Acre Academy")
SECONDARY_KINDS = ("High School", "Academy", "Church of England Academy")
SLUG_SKIP = frozenset({"primary", "school", "ce", "rc", "community", "academy", "high", "church", "of", "england",
                       "special", "college", "the"})
# Special settings in the county, with their kinds: maintained special schools, a special academy, and a
# pupil referral unit (not a school s43 covers).
SPECIAL_NAMES = (("Beacon Special School", "maintained"), ("Marches Special School", "academy"),
                 ("Greenfields School", "maintained"), ("The Willows Pupil Referral Unit", "other"))
# Settings a few children with complex needs are placed at, in or beyond the county.
SPECIALIST = (("Marcle Court School", "nmss", "specialist"), ("Hope Valley School", "s41_independent", "specialist"),
              ("Orchard Lea Independent School", "independent", "specialist"),
              ("Bramble Hill Specialist College", "s41_independent", "specialist_post16"))
COLLEGE_NAMES = ("Marches Further Education College", "Wye Valley Sixth Form College",
                 "Three Counties Land-Based College")
EARLY_YEARS_NAMES = ("Little Acorns Nursery", "Ladybird Pre-School", "Rainbow Day Nursery",
                     "Tiny Steps Childminding Network")


def _school(i: int, name: str, phase: str, place: Place, rng: random.Random, estab: int,
            kind: str = "maintained") -> DemoSchool:
    words = [ascii_slug(w) for w in name.replace(",", " ").replace("(", " ").replace(")", " ").split()]
    slug = "".join(w for w in words if w not in SLUG_SKIP)[:28] or ascii_slug(name)[:28]
    rec = SchoolRecord(name=name, urn=f"{990001 + i}", address=address(rng, place),
                       postcode=postcode(rng, place), email=f"senco@{slug}.example.org")
    return DemoSchool(rec, phase, place.team, estab, kind)


def _mainstream_kind(name: str, i: int) -> str:
    """Academies by name, and one other school in three: about the county's share."""
    return "academy" if "Academy" in name or i % 3 == 0 else "maintained"


def make_schools(rng: random.Random, copies: int = 1) -> list[DemoSchool]:
    """A few dozen settings for a county; ``copies`` repeats the pattern for bigger councils."""
    out: list[DemoSchool] = []
    primary_estab, secondary_estab, special_estab = 2000, 4000, 7000
    for copy in range(copies):
        suffix = "" if copy == 0 else f" ({copy + 1})"
        for place in PLACES:
            for j in range(3 if place.weight >= 8 else 1):
                name = f"{PRIMARY_NAMES[(j + len(out)) % len(PRIMARY_NAMES)]}, {place.town}{suffix}"
                out.append(_school(len(out), name, "primary", place, rng, primary_estab,
                                   _mainstream_kind(name, len(out))))
                primary_estab += 1
        city = 0
        for place in PLACES:
            if place.weight >= 4:
                if place.town == PLACES[0].town:
                    name = f"{CITY_SECONDARY_NAMES[city % len(CITY_SECONDARY_NAMES)]}{suffix}"
                    city += 1
                else:
                    name = f"{place.town} {SECONDARY_KINDS[len(out) % len(SECONDARY_KINDS)]}{suffix}"
                kind = "academy" if "Academy" in name else "maintained"
                out.append(_school(len(out), name, "secondary", place, rng, secondary_estab, kind))
                secondary_estab += 1
        for k, (name, kind) in enumerate(SPECIAL_NAMES):
            place = PLACES[k % 3]
            out.append(_school(len(out), f"{name}{suffix}", "special", place, rng, special_estab, kind))
            special_estab += 1
        for k, name in enumerate(COLLEGE_NAMES):
            place = PLACES[(k * 3) % len(PLACES)]
            out.append(_school(len(out), f"{name}{suffix}", "college", place, rng, 8000 + k, "fe_college"))
        for k, name in enumerate(EARLY_YEARS_NAMES):
            place = PLACES[(k * 2 + 1) % len(PLACES)]
            out.append(_school(len(out), f"{name}, {place.town}{suffix}", "early_years", place, rng, 1000 + k,
                               "early_years"))
        for k, (name, kind, phase) in enumerate(SPECIALIST):
            place = PLACES[(k * 4 + 2) % len(PLACES)]
            out.append(_school(len(out), f"{name}{suffix}", phase, place, rng, 6000 + k, kind))
    return out


# ---------------------------------------------------------------- advice services


@dataclass(frozen=True, slots=True)
class Turnaround:
    """Days from the LA's request to the advice arriving: a triangular spread (low, mode, high)."""

    low: int
    mode: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return round(rng.triangular(self.low, self.high, self.mode))


@dataclass(frozen=True, slots=True)
class DemoService:
    record: ServiceRecord
    turnaround: Turnaround
    share: float  # of its kind's requests
    body: str = "council"  # who the adviser answers to: reg 8 binds health bodies (docs/law.md#reg8-bodies)


def _svc(name: str, kind: str, lead: str, email: str, place: Place, rng: random.Random,
         turnaround: Turnaround, share: float, body: str = "council") -> DemoService:
    rec = ServiceRecord(name=name, kind=kind, address=address(rng, place), postcode=postcode(rng, place),
                        email=email, lead_name=lead)
    return DemoService(rec, turnaround, share, body)


def make_services(rng: random.Random) -> dict[str, list[DemoService]]:
    """Advice services by kind. EP and health advice are often late, as they are nationally
    (returns of 50-80 days against the 42 allowed); schools usually answer in about five weeks."""
    city = PLACES[0]

    def lead() -> str:
        return adult_name(rng).full_name

    return {
        "ep": [
            _svc(f"{COUNCIL} Educational Psychology Service", "ep", lead(), f"ep.service@{STAFF_DOMAIN}",
                 city, rng, Turnaround(30, 62, 105), 0.8),
            _svc("Marches Associate Educational Psychologists (commissioned)", "ep", lead(),
                 "referrals@marches-ep.example.org", city, rng, Turnaround(28, 45, 75), 0.2, "other"),
        ],
        "health": [
            _svc("Wye Valley NHS Trust (DMO)", "health", lead(), "dmo@wyevalley.example.org", city, rng,
                 Turnaround(25, 55, 95), 0.7, "health"),
            _svc(f"{COUNCIL} Community Paediatrics and CAMHS", "health", lead(),
                 "send.health@example.org", city, rng, Turnaround(30, 60, 100), 0.3, "health"),
        ],
        "social_care": [
            _svc(f"{COUNCIL} Children's Social Care", "social_care", lead(),
                 f"childrens.socialcare@{STAFF_DOMAIN}", city, rng, Turnaround(18, 38, 70), 1.0),
        ],
        "other": [
            _svc(f"{COUNCIL} Sensory Impairment Service", "other", lead(), f"sensory@{STAFF_DOMAIN}",
                 city, rng, Turnaround(20, 35, 60), 1.0),
            _svc("Preparing for Adulthood Team", "other", lead(), f"pfa@{STAFF_DOMAIN}", city, rng,
                 Turnaround(20, 40, 70), 0.0),
        ],
    }


EDUCATION_TURNAROUND = Turnaround(12, 32, 58)
EARLY_YEARS_SERVICE = "Early Years SEN Inclusion Team"
