"""What the Phase transfers page shows: its columns, its words for a move, and its filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caseworker.views.phase_transfers import KIND_WORDS, STATE_WORDS, STATES, TransferRow
from ui.status import status_icon, status_text
from ui.table_model import Column
from ui.widgets.wording import REPLY_WORDS, long_date, short_date

NOT_DONE = "open"  # the state filter's value for every move not done yet
CASEWORKER, MOVES_ON = "Caseworker", "Moves on"
COLUMN_SAMPLES = ("120 days overdue", "EHC-00000", "Agnieszka Kowalczyk", "Year 12 (post-16)", "30 Sep 2027",
                  "14 Feb 2027", "Next setting consulted", "From date of birth", "Agnieszka Zielinska",
                  "Bishop's Meadow Academy", "Bishop's Meadow Academy")
ICON_COLUMNS = (0,)
OFFSET_WORDS = {2: "taught two years behind", 1: "taught a year behind", -1: "taught a year ahead",
                -2: "taught two years ahead"}


def days_left_text(r: TransferRow) -> str:
    if r.is_done:
        return status_text(r.status)
    if r.days_left < 0:
        return f"{-r.days_left} day{'s' if r.days_left != -1 else ''} overdue"
    if r.days_left == 0:
        return "Due today"
    return "1 day" if r.days_left == 1 else f"{r.days_left} days"


def days_left_tip(r: TransferRow) -> str:
    said = f"{status_text(r.status)}: the plan naming the next setting is due by {long_date(r.due)}"
    if r.work_by != r.due:
        said += f"; work to {long_date(r.work_by)}, the working day before"
    return said


def moves_into(r: TransferRow) -> str:
    if r.year_group:
        return f"{r.year_group} (post-16)" if r.kind == "post16" else r.year_group
    return KIND_WORDS.get(r.kind, r.kind)


def moves_tip(r: TransferRow) -> str:
    said = f"{KIND_WORDS.get(r.kind, r.kind)} move on {long_date(r.transfer_date)}"
    if r.year_group_offset:
        said += f"; {OFFSET_WORDS.get(r.year_group_offset, 'taught out of year group')}"
    return said + (". Worked out from the date of birth: not recorded on the plan yet." if r.worked_out
                   else ". Recorded on the plan.")


def state_tip(r: TransferRow) -> str:
    steps = []
    if r.consultation_sent is not None:
        steps.append(f"{r.consulted or 'The next setting'} consulted on {short_date(r.consultation_sent)}")
    if r.replied is not None:
        steps.append(f"replied on {short_date(r.replied)}: {REPLY_WORDS.get(r.reply or '', r.reply or '')}")
    if r.done is not None:
        steps.append(f"amended plan issued on {short_date(r.done)}")
    return "; ".join(steps) or r.state_words


def transfer_columns() -> list[Column[TransferRow]]:
    """Most telling first; the settings last, the setting named now taking whatever room is left."""
    return [
        Column("Days left", days_left_text, sort_key=lambda r: r.risk, tooltip=days_left_tip,
               icon=lambda r: status_icon(r.status)),
        Column("Reference", lambda r: r.reference),
        Column("Child", lambda r: r.child, sort_key=lambda r: (r.child.casefold(), r.reference)),
        Column("Moves into", moves_into, sort_key=lambda r: (r.kind, r.year_group, r.reference), tooltip=moves_tip),
        Column(MOVES_ON, lambda r: short_date(r.transfer_date), sort_key=lambda r: (r.transfer_date, r.reference)),
        Column("Plan due", lambda r: short_date(r.due), sort_key=lambda r: (r.due, r.reference),
               tooltip=days_left_tip),
        Column("State", lambda r: r.state_words, sort_key=lambda r: (STATES.index(r.state), r.risk),
               tooltip=state_tip),
        Column("From", lambda r: r.source_words, sort_key=lambda r: (r.worked_out, r.reference), tooltip=moves_tip),
        Column(CASEWORKER, lambda r: r.caseworker_name, sort_key=lambda r: (r.caseworker_name, r.reference)),
        Column("Next setting", lambda r: r.consulted, sort_key=lambda r: (r.consulted.casefold(), r.reference),
               tooltip=lambda r: r.consulted),
        Column("Named now", lambda r: r.named_setting, sort_key=lambda r: (r.named_setting.casefold(), r.reference),
               tooltip=lambda r: r.named_setting),
    ]


STATE_CHOICES = [("Not done yet", NOT_DONE), *((STATE_WORDS[s], s) for s in STATES)]
KIND_CHOICES = list((words, code) for code, words in KIND_WORDS.items())


@dataclass(frozen=True)
class TransferFilter:
    """What the page's filters ask for; ``caseworker`` is whose work is on show ("" for everyone)."""

    caseworker: str = ""
    state: str = ""
    kind: str = ""
    overdue_only: bool = False

    def predicate(self) -> Callable[[TransferRow], bool] | None:
        tests: list[Callable[[TransferRow], bool]] = []
        if self.caseworker:
            who = self.caseworker
            tests.append(lambda r: r.caseworker == who)
        if self.state == NOT_DONE:
            tests.append(lambda r: not r.is_done)
        elif self.state:
            state = self.state
            tests.append(lambda r: r.state == state)
        if self.kind:
            kind = self.kind
            tests.append(lambda r: r.kind == kind)
        if self.overdue_only:
            tests.append(lambda r: r.is_overdue)
        if not tests:
            return None
        return lambda r: all(t(r) for t in tests)


def count_words(children: int, done: int, consulted: int, overdue: int, moves: str) -> str:
    """"142 children move in September 2027: 12 done, 30 consulted, 5 overdue"."""
    if children == 0:
        return f"No children with plans move {moves}"
    who = "1 child moves" if children == 1 else f"{children:,} children move"
    return f"{who} {moves}: {done:,} done, {consulted:,} consulted, {overdue:,} overdue"
