"""The balancing proposal: which cases to move so the team's largest utilisation is as low as it can be,
with as few moves as possible.

Pure: people (capacity, team, whether they can take work) and cases (owner, points, why protected) in,
moves out. The search is a bisection on a target utilisation U. For one U, every person above U sheds
movable cases (largest first, then the smallest one that finishes the job, so few cases move and little
overshoots) to whoever in their team has the most room (when moves between teams are allowed, their own
team first, then the other teams), where "room" never goes past
min(U, max(100%, where they started)). Someone with no capacity (absent, inactive) sheds every movable
case (for a short absence only those due before they are back are movable: balance_input.py). Donors
go in order: a short absence's due cases, then people at work from the most overloaded down, then a long
absence's caseload, so it never takes the room an overloaded colleague needs. The lowest U that works
is kept; moves that no longer help are dropped.

The invariants the tests check: a protected case never moves; a receiver never ends above 100% (or
above where it started, if higher); the largest utilisation never rises.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from caseworker.caseload.capacity import band, percent, utilisation

EPS = 1e-9
ROUNDS = 40  # bisection steps at most
TOLERANCE = 1e-4  # stop when the target is pinned to a hundredth of a percentage point
# Who is given room first: the few cases of a short absence that fall due before the person is back,
# then people at work, the most overloaded first (a new starter at 171% before anyone at 105%), and
# last the caseload of someone away for long or no longer active, which takes what room is left.
_AWAY_SHORT, _AT_WORK, _AWAY_LONG = 0, 1, 2

# The rules a move follows, as the dialog and `caseworker balance` name them.
RULE_OVER = "over capacity"
RULE_EVEN = "evening out the team"
RULE_SHORT = "short absence: due before return"
RULE_LONG = "long absence"
RULE_INACTIVE = "no longer active"
RULE_ACROSS = "between teams"


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str
    team: str
    capacity: float
    can_receive: bool = True
    unavailable: str | None = None  # why they have no capacity now ("absent until 5 Dec 2026")
    short_absence: bool = False  # away briefly: only the cases due before they are back are movable


@dataclass(frozen=True, slots=True)
class Item:
    case_id: int
    reference: str
    owner: str
    points: float
    protected: str | None = None  # why it must stay where it is
    child: str = ""


@dataclass(frozen=True, slots=True)
class Move:
    case_id: int
    reference: str
    from_user: str
    to_user: str
    points: float
    reason: str
    rule: str = ""  # which rule moves it, in a lead's words: "over capacity", "between teams", ...
    child: str = ""


@dataclass(frozen=True)
class Proposal:
    moves: tuple[Move, ...]
    capacity: dict[str, float]
    load_before: dict[str, float]
    load_after: dict[str, float]
    protected_load: dict[str, float]
    largest_before: float
    largest_after: float
    bound: float  # max(team load / team capacity, the highest protected-only utilisation)
    # The same, leaving out the protected work people without capacity must keep (so finite), for the
    # whole team and for the worst team when moves stay within teams.
    bound_available: float
    bound_within_teams: float
    # The best any set of moves could do under every rule here (teams, receivers' 100% ceiling), if
    # cases could be split: what "close to the bound" is measured against when the rules bind.
    bound_with_constraints: float
    unmovable: dict[str, float] = field(default_factory=dict)  # movable points a person without capacity keeps
    across_teams: bool = False  # whether moves could go between teams

    @property
    def largest_available_before(self) -> float:
        """The largest utilisation among people with capacity (always a number)."""
        return max((self.load_before[u] / c for u, c in self.capacity.items() if c > 0), default=0.0)

    @property
    def largest_available_after(self) -> float:
        return max((self.load_after[u] / c for u, c in self.capacity.items() if c > 0), default=0.0)

    def utilisation_before(self, username: str) -> float:
        return utilisation(self.load_before[username], self.capacity[username])

    def utilisation_after(self, username: str) -> float:
        return utilisation(self.load_after[username], self.capacity[username])


@dataclass
class _State:
    people: dict[str, Person]
    load: dict[str, float]
    protected: dict[str, float]
    movable: dict[str, dict[float, list[Item]]]  # owner -> points -> items (a stack, smallest reference last)
    start: dict[str, float]  # utilisation before anything moved

    def copy(self) -> _State:
        return _State(self.people, dict(self.load), self.protected,
                      {o: {p: list(s) for p, s in by.items()} for o, by in self.movable.items()}, self.start)

    def movable_points(self, owner: str) -> float:
        return sum(p * len(s) for p, s in self.movable.get(owner, {}).items())


def _largest(load: dict[str, float], capacity: dict[str, float]) -> float:
    return max((utilisation(load[u], capacity[u]) for u in load), default=0.0)


def _bound(people: Sequence[Person], load: dict[str, float], protected: dict[str, float], *,
           available: bool = False) -> float:
    """max(load / capacity, highest protected-only utilisation); ``available`` leaves out the protected
    work of people without capacity, which nothing can move."""
    stuck = sum(protected[p.username] for p in people if p.capacity <= 0) if available else 0.0
    total = sum(load[p.username] for p in people) - stuck
    cap = sum(p.capacity for p in people)
    worst = max((utilisation(protected[p.username], p.capacity) for p in people
                 if p.capacity > 0 or not available), default=0.0)
    return max(utilisation(total, cap), worst)


def _constrained_bound(people: Sequence[Person], load: dict[str, float], protected: dict[str, float]) -> float:
    """The lowest U, over people with capacity, if points could be split: each keeps its protected
    points, ends at most at U, and a receiver at most at max(100%, where it started). Work people
    without capacity cannot hand on (nobody has room) stays with them and is left out."""
    able = [p for p in people if p.capacity > 0]
    if not able:
        return 0.0
    ceiling = {p.username: max(load[p.username], p.capacity) for p in able}
    total = sum(load[p.username] for p in people) - sum(protected[p.username] for p in people if p.capacity <= 0)
    share = min(total, sum(ceiling.values()))
    lo = max(protected[p.username] / p.capacity for p in able)
    hi = max([lo, *(ceiling[p.username] / p.capacity for p in able)])

    def fits(u: float) -> bool:
        return sum(min(u * p.capacity, ceiling[p.username]) for p in able) >= share - EPS

    for _ in range(60):
        mid = (lo + hi) / 2
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return hi if not fits(lo) else lo


def _receivers(state: _State, group: list[str], target: float) -> dict[str, list[tuple[float, str]]]:
    """Who can take work, by team: a heap each, the most room on top."""
    heaps: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for u in group:
        p = state.people[u]
        if not p.can_receive or p.capacity <= 0:
            continue
        room = min(target, max(1.0, state.start[u])) * p.capacity - state.load[u]
        if room > EPS:
            heaps[p.team].append((-room, u))
    for heap in heaps.values():
        heapq.heapify(heap)
    return heaps


def _shed_by_team(state: _State, donor: str, need: float, heaps: dict[str, list[tuple[float, str]]],
                  moves: list[tuple[Item, str]], tight: bool) -> float:
    """Colleagues in the donor's own team first; only then the other teams, the one with most room first."""
    own = state.people[donor].team
    others = sorted((t for t, h in heaps.items() if t != own and h), key=lambda t: (heaps[t][0][0], t))
    for team in [own, *others]:
        if need <= EPS:
            break
        if heaps.get(team):
            need = _shed(state, donor, need, heaps[team], moves, tight)
    return need


def _pick(stacks: dict[float, list[Item]], need: float, room: float, tight: bool) -> Item | None:
    """Never a case bigger than ``room``. Few moves: the smallest case that covers ``need`` alone, else
    the largest. Tight (when overshooting leaves a colleague no room): the largest case within ``need``,
    else the smallest."""
    sizes = sorted(p for p, s in stacks.items() if s and p <= room + EPS)
    if not sizes:
        return None
    if tight:
        within = [p for p in sizes if p <= need + EPS]
        size = within[-1] if within else sizes[0]
    else:
        covering = [p for p in sizes if p >= need - EPS]
        size = covering[0] if covering else sizes[-1]
    return stacks[size].pop()


def _shed(state: _State, donor: str, need: float, heap: list[tuple[float, str]],
          moves: list[tuple[Item, str]], tight: bool) -> float:
    """Move cases off ``donor`` until ``need`` points have gone or nothing fits; returns what is left."""
    stacks = state.movable.get(donor, {})
    while need > EPS and heap:
        room, receiver = -heap[0][0], heap[0][1]
        item = _pick(stacks, need, room, tight)
        if item is None:
            break
        if room - item.points > EPS:
            heapq.heapreplace(heap, (-(room - item.points), receiver))
        else:
            heapq.heappop(heap)
        state.load[donor] -= item.points
        state.load[receiver] += item.points
        need -= item.points
        moves.append((item, receiver))
    return need


def _plan(base: _State, groups: dict[str, list[str]], target: float, *,
          empty_required: bool) -> tuple[_State, list[tuple[Item, str]]] | None:
    """Moves that bring everyone to ``target`` or below (None if impossible): few moves if that works,
    else moves that overshoot as little as possible. People without capacity shed every movable case;
    if they cannot and ``empty_required``, that is impossible too."""
    return (_plan_once(base, groups, target, empty_required, tight=False)
            or _plan_once(base, groups, target, empty_required, tight=True))


def _plan_once(base: _State, groups: dict[str, list[str]], target: float, empty_required: bool,
               *, tight: bool) -> tuple[_State, list[tuple[Item, str]]] | None:
    state = base.copy()
    moves: list[tuple[Item, str]] = []
    for members in groups.values():
        heaps = _receivers(state, members, target)
        donors = []
        for u in members:
            person = state.people[u]
            if person.capacity <= 0:
                if state.movable_points(u) > EPS:
                    donors.append((_AWAY_SHORT if person.short_absence else _AWAY_LONG, 0.0, u))
            elif state.load[u] > target * person.capacity + EPS:
                if state.protected[u] > target * person.capacity + EPS:
                    return None
                donors.append((_AT_WORK, -state.load[u] / person.capacity, u))
        for _, _, u in sorted(donors):
            cap = state.people[u].capacity
            need = state.movable_points(u) if cap <= 0 else state.load[u] - target * cap
            left = _shed_by_team(state, u, need, heaps, moves, tight)
            if left > EPS and (cap > 0 or empty_required):
                return None
    return state, moves


def _drop_unhelpful(state: _State, moves: list[tuple[Item, str]]) -> list[tuple[Item, str]]:
    """Undo moves whose donor would still be at or below the largest utilisation after the rest."""
    capacity = {u: p.capacity for u, p in state.people.items()}
    # Among people with capacity: someone without any who keeps protected work is unbounded regardless.
    largest = max((state.load[u] / c for u, c in capacity.items() if c > 0), default=0.0)
    kept: list[tuple[Item, str]] = []
    for item, receiver in sorted(moves, key=lambda m: (m[0].points, m[0].reference)):
        cap = capacity[item.owner]
        if cap > 0 and utilisation(state.load[item.owner] + item.points, cap) <= largest + EPS:
            state.load[item.owner] += item.points
            state.load[receiver] -= item.points
            continue
        kept.append((item, receiver))
    return kept


def _reason(item: Item, receiver: str, base: _State) -> str:
    giver, taker = base.people[item.owner], base.people[receiver]
    if giver.capacity <= 0:
        why = f"{giver.name} is {giver.unavailable or 'not available'}"
    else:
        u = base.start[item.owner]
        why = f"{giver.name} is at {percent(u)} ({band(u)})"
    where = f"same team ({taker.team})" if giver.team == taker.team else f"from {giver.team or 'no team'} to " \
                                                                         f"{taker.team or 'no team'}, allowed"
    return f"{why}; {taker.name} has room at {percent(base.start[receiver])}, {where}"


def _lowest_target(base: _State, groups: dict[str, list[str]], lo: float, hi: float,
                   best: tuple[_State, list[tuple[Item, str]]],
                   must_empty: bool) -> tuple[_State, list[tuple[Item, str]]]:
    """The plan for the lowest target between ``lo`` (a floor) and ``hi`` (``best`` reaches it). Whole cases
    usually land just above the floor, so steps up from it, growing fourfold, bracket the answer before
    the bisection narrows it: a few plans rather than one per halving of the whole range."""
    if (at_lo := _plan(base, groups, lo, empty_required=must_empty)) is not None:
        return at_lo
    step = 0.001
    while hi - lo > TOLERANCE:
        probe = min(hi, lo + step)
        found = _plan(base, groups, probe, empty_required=must_empty)
        if found is not None:
            hi, best = probe, found
            break
        lo, step = probe, step * 4
    for _ in range(ROUNDS):
        if hi - lo < TOLERANCE:
            break
        mid = (lo + hi) / 2
        found = _plan(base, groups, mid, empty_required=must_empty)
        if found is None:
            lo = mid
        else:
            hi, best = mid, found
    return best


def _rule(item: Item, receiver: str, base: _State) -> str:
    giver, taker = base.people[item.owner], base.people[receiver]
    if giver.capacity > 0:
        rule = RULE_OVER if base.start[item.owner] > 1.0 + EPS else RULE_EVEN
    elif giver.short_absence:
        rule = RULE_SHORT
    else:
        rule = RULE_INACTIVE if giver.unavailable == RULE_INACTIVE else RULE_LONG
    return f"{rule}; {RULE_ACROSS}" if giver.team != taker.team else rule


def propose_balance(people: Sequence[Person], items: Sequence[Item], *, across_teams: bool = False) -> Proposal:
    """The proposal for ``people`` holding ``items`` (cases whose owner is not among them are ignored)."""
    by_name = {p.username: p for p in people}
    load: dict[str, float] = dict.fromkeys(by_name, 0.0)
    protected: dict[str, float] = dict.fromkeys(by_name, 0.0)
    movable: dict[str, dict[float, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for it in sorted(items, key=lambda i: i.reference, reverse=True):  # stacks pop the smallest reference first
        if it.owner not in by_name:
            continue
        load[it.owner] += it.points
        if it.protected is not None or it.points <= 0:
            protected[it.owner] += it.points
        else:
            movable[it.owner][it.points].append(it)
    capacity = {u: p.capacity for u, p in by_name.items()}
    start = {u: utilisation(load[u], capacity[u]) for u in by_name}
    base = _State(by_name, load, protected, {o: dict(v) for o, v in movable.items()}, start)
    groups: dict[str, list[str]] = defaultdict(list)
    for p in sorted(people, key=lambda p: p.username):
        groups["" if across_teams else p.team].append(p.username)

    bound = _bound(people, load, protected)
    bound_available = _bound(people, load, protected, available=True)
    bound_within = max((_bound([by_name[u] for u in g], load, protected, available=True) for g in groups.values()),
                       default=0.0)
    constrained = max((_constrained_bound([by_name[u] for u in g], load, protected) for g in groups.values()),
                      default=0.0)
    finite = [start[u] for u in by_name if capacity[u] > 0]
    top = max([1.0, *finite])

    # When the people away cannot all be emptied, their cases take what room is left once the people at
    # work are relieved (they are the last donors), rather than being moved first and leaving none.
    must_empty = _plan(base, groups, top, empty_required=True) is not None
    hi = max([*(start[u] for u in by_name if capacity[u] > 0), 0.0])
    if any(capacity[u] <= 0 and base.movable_points(u) > EPS for u in by_name):
        hi = top  # people without capacity hand work on, which may need room up to 100%
    lo = min(hi, bound_within if math.isfinite(bound_within) else hi)
    if not must_empty:
        # Not everyone away can be emptied, so the bound (which counts their work) is no floor. What the
        # people at work hold among themselves is one, and so is 100%: taking anyone at work below it
        # would only take room from cases left with someone away.
        at_work = max((_constrained_bound([by_name[u] for u in g if capacity[u] > 0], load, protected)
                       for g in groups.values()), default=0.0)
        lo = min(hi, max(1.0, at_work))
    best = _plan(base, groups, hi, empty_required=must_empty)
    assert best is not None, "the starting level is always reachable"
    state, moves = _lowest_target(base, groups, lo, hi, best, must_empty)
    moves = _drop_unhelpful(state, moves)
    after = dict(load)
    for item, receiver in moves:
        after[item.owner] -= item.points
        after[receiver] += item.points
    reason_base = _State(by_name, load, protected, {}, start)
    # The most overloaded first (someone away at the top), as the lead reads down the list.
    ordered = sorted(moves, key=lambda m: (-start[m[0].owner], m[0].owner, m[0].reference))
    return Proposal(
        moves=tuple(Move(i.case_id, i.reference, i.owner, r, i.points, _reason(i, r, reason_base),
                         _rule(i, r, reason_base), i.child) for i, r in ordered),
        capacity=capacity, load_before=load, load_after=after, protected_load=protected,
        largest_before=_largest(load, capacity), largest_after=_largest(after, capacity),
        bound=bound, bound_available=bound_available, bound_within_teams=bound_within,
        bound_with_constraints=constrained,
        across_teams=across_teams,
        unmovable={u: left for u in by_name if capacity[u] <= 0 and (left := state.movable_points(u)) > EPS},
    )
