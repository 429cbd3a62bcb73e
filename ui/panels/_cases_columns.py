"""What the case list shows: its columns, its words for stages and dates, and its filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from caseworker.text_folding import fold_for_search
from caseworker.views.case_list import STATUS_RANK, CaseRow
from caseworker.views.case_list_plans import transfer_words
from caseworker.vocabulary import (
    ADVICE_SHORT,
    REVIEW_NOT_DUE,
    STAGE_ORDER,
    review_status_words,
    short_date,
    stage_short,
)
from ui.status import status_icon, status_text
from ui.table_model import Column

UNALLOCATED = "\x00unallocated"  # the caseworker filter's value for cases with no caseworker
_LAST = date.max


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def late_advice_text(row: CaseRow) -> str:
    return ", ".join(ADVICE_SHORT.get(kind, kind) for kind in row.late_advice)


def due_words(due: date | None, today: date) -> str:
    if due is None:
        return ""
    gap = (due - today).days
    if gap < 0:
        return f"{-gap} day{'s' if gap != -1 else ''} late"
    if gap == 0:
        return "due today"
    return "due tomorrow" if gap == 1 else f"due in {gap} days"


# A plan's review, worst first (the Review column sorts and the filter offers them in this order).
REVIEW_RANK = {"overdue": 0, "due_soon": 1, REVIEW_NOT_DUE: 2, "": 3}


def transfer_text(row: CaseRow) -> str:
    return transfer_words(row.transfer_on, row.transfer_to)


def case_columns(today: Callable[[], date], needs: dict[str, str],
                 review_soon_days: int = 56) -> list[Column[CaseRow]]:
    """The list's columns; ``today`` is read when a cell is drawn so ages and "late" stay current.
    ``review_soon_days``: the annual review's due-soon window, for the Review column's words."""
    review_words = {s: review_status_words(s, review_soon_days) for s in REVIEW_RANK}
    return [
        Column("Reference", lambda r: r.reference, sort_key=lambda r: r.reference),
        Column("Child", lambda r: r.child, sort_key=lambda r: (r.child.casefold(), r.reference)),
        Column("Born (age)", lambda r: f"{short_date(r.date_of_birth)} ({age_on(r.date_of_birth, today())})",
               sort_key=lambda r: (r.date_of_birth, r.reference), export=lambda r: r.date_of_birth,
               export_title="Date of birth"),
        Column("UPN", lambda r: r.upn, sort_key=lambda r: (r.upn, r.reference)),
        Column("School", lambda r: r.school, sort_key=lambda r: (r.school.casefold(), r.reference),
               tooltip=lambda r: r.school),
        Column("Need", lambda r: r.primary_need, sort_key=lambda r: (r.primary_need, r.reference),
               tooltip=lambda r: needs.get(r.primary_need, r.primary_need)),
        Column("Caseworker", lambda r: r.caseworker_name or "Unallocated",
               sort_key=lambda r: (r.caseworker_name == "", r.caseworker_name.casefold(), r.reference)),
        Column("Stage", lambda r: stage_short(r.stage), sort_key=lambda r: (STAGE_ORDER.index(r.stage)
                                                                          if r.stage in STAGE_ORDER else 9,
                                                                          r.reference)),
        Column("Status", lambda r: status_text(r.status), icon=lambda r: status_icon(r.status),
               sort_key=lambda r: (STATUS_RANK.get(r.status, 9), r.next_due or _LAST, r.reference)),
        Column("Next step", lambda r: r.next_step, sort_key=lambda r: (r.next_step, r.reference)),
        Column("Next due", lambda r: short_date(r.next_due), sort_key=lambda r: (r.next_due or _LAST, r.reference),
               tooltip=lambda r: due_words(r.next_due, today()), export=lambda r: r.next_due),
        Column("Late advice", late_advice_text, tooltip=late_advice_text,
               sort_key=lambda r: (not r.late_advice, r.late_advice, r.reference)),
        Column("Next review", lambda r: short_date(r.next_review),
               sort_key=lambda r: (r.next_review or _LAST, r.reference),
               tooltip=lambda r: due_words(r.next_review, today()), export=lambda r: r.next_review),
        Column("Review", lambda r: review_words.get(r.review, ""),
               icon=lambda r: status_icon(r.review) if r.review else None,
               sort_key=lambda r: (REVIEW_RANK.get(r.review, 3), r.next_review or _LAST, r.reference)),
        Column("Transfer", transfer_text, sort_key=lambda r: (r.transfer_on or _LAST, r.transfer_to, r.reference)),
    ]


# Starting widths: each column fits its sample (or its title); the last column stretches.
COLUMN_SAMPLES = ("EHC-2025-0001", "Alexandru Dumitrescu", "17 May 2010 (14)", "N884200616000",
                  "Greenfields Outreach", "SEMH", "Agnieszka Zielińska", "Assessment", "Late advice",
                  "Decide whether to assess", "28 Sep 2025", "EP, Health", "28 Sep 2025", "Due within 8 weeks",
                  "Sep 2027 to secondary")
REVIEW_COLUMN = COLUMN_SAMPLES.index("Due within 8 weeks")


@dataclass(frozen=True)
class CaseFilter:
    """The search box and the filters, combined; empty values match everything."""

    text: str = ""
    stage: str = ""
    caseworker: str = ""
    status: str = ""
    need: str = ""
    late_advice_only: bool = False
    review: str = ""  # a plan's review: overdue, due_soon or pending
    transfer_year: int = 0  # the plans whose child transfers in September of this year

    @property
    def is_empty(self) -> bool:
        return self == CaseFilter()

    def predicate(self) -> Callable[[CaseRow], bool] | None:
        """One function per keystroke; the cheapest tests first, words all found in any order."""
        if self.is_empty:
            return None
        words = fold_for_search(self.text).split()  # folded as each row's search text was, when it loaded
        stage, status, need, late = self.stage, self.status, self.need, self.late_advice_only
        review, year = self.review, self.transfer_year
        caseworker = "" if self.caseworker == UNALLOCATED else self.caseworker
        check_caseworker = bool(self.caseworker)
        fields = bool(stage or status or need or late or check_caseworker or review or year)
        if not fields and len(words) == 1:
            word = words[0]
            return lambda r: word in r.search_text

        def keep(r: CaseRow) -> bool:
            text = r.search_text
            for w in words:
                if w not in text:
                    return False
            return not fields or (
                (not stage or r.stage == stage) and (not status or r.status == status)
                and (not need or r.primary_need == need) and (not late or bool(r.late_advice))
                and (not check_caseworker or r.caseworker == caseworker)
                and (not review or r.review == review)
                and (not year or (r.transfer_on is not None and r.transfer_on.year == year)))
        return keep


@dataclass(frozen=True)
class FilterChoices:
    """What each filter offers, as (words, value), worked out with the rows on the task runner."""

    stages: list[tuple[str, str]]
    caseworkers: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    reviews: list[tuple[str, str]] = field(default_factory=list)
    transfer_years: list[tuple[str, int]] = field(default_factory=list)


# The transfer cohort filter offers this many Septembers from the next one (and any earlier move still
# being worked on this year).
COHORT_YEARS = 4


def review_choices(review_soon_days: int = 56) -> list[tuple[str, str]]:
    return [(review_status_words(s, review_soon_days), s) for s in ("overdue", "due_soon", REVIEW_NOT_DUE)]


def cohort_choices(rows: list[CaseRow], today: date) -> list[tuple[str, int]]:
    """September of each of the next few years, whether or not anyone moves then (so the choices stay put
    from one day to the next), and this year's when a move recorded for it is still on the list."""
    first = today.year if today < date(today.year, 9, 1) else today.year + 1
    years = set(range(first, first + COHORT_YEARS))
    years.update(r.transfer_on.year for r in rows
                 if r.transfer_on is not None and today.year <= r.transfer_on.year < first)
    return [(f"September {y}", y) for y in sorted(years)]


def filter_choices(rows: list[CaseRow], needs: dict[str, str], today: date | None = None,
                   review_soon_days: int = 56) -> FilterChoices:
    stages, people, statuses, codes = set(), set(), set(), set()
    unallocated = False
    for r in rows:
        stages.add(r.stage)
        statuses.add(r.status)
        codes.add(r.primary_need)
        if r.caseworker:
            people.add((r.caseworker_name.casefold(), r.caseworker_name, r.caseworker))
        else:
            unallocated = True
    ordered = [s for s in STAGE_ORDER if s in stages] + sorted(s for s in stages if s not in STAGE_ORDER)
    return FilterChoices(
        stages=[(stage_short(s), s) for s in ordered],
        caseworkers=[(name, user) for _key, name, user in sorted(people)]
        + ([("Unallocated", UNALLOCATED)] if unallocated else []),
        statuses=[(status_text(s), s) for s in sorted(statuses, key=lambda s: (STATUS_RANK.get(s, 9), s))],
        needs=[(f"{n}: {needs[n]}" if n in needs else n, n) for n in sorted(codes) if n],
        reviews=review_choices(review_soon_days),
        transfer_years=cohort_choices(rows, today) if today is not None else [])
