"""The forms for a plan's phase transfer (reg 18): the move recorded, the next setting consulted and its
reply, and the plan amended to name it. Each saves through caseworker.services.plan_transfers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox

from caseworker.errors import Problem
from caseworker.services import plan_transfers
from caseworker.services.named_setting import SETTING_KIND_TITLES
from caseworker.services.plan_transfers import open_transfer
from caseworker.services.plans import day
from caseworker.statutory.plan_facts import TRANSFER_KINDS, TransferFacts
from caseworker.views import plan_detail as names
from ui.dialogs.fields import DateEdit
from ui.dialogs.plan_form import PlanStepDialog
from ui.dialogs.setting import SettingPicker, reply_due
from ui.panels._plan_rows import TRANSFER_WORDS, days
from ui.widgets.wording import REPLY_WORDS, long_date, short_date

PICK_A_SETTING = "Choose the next setting from the council's list (type part of its name to find it)."


class TransferStep(PlanStepDialog):
    """A form about the transfer under way (every one but recording the move itself)."""

    @property
    def moving(self) -> TransferFacts:
        t = open_transfer(self.facts)
        assert t is not None, "offered only while a transfer is under way"
        return t

    def moving_words(self) -> str:
        t = self.moving
        due = self.plan.transfer.clock.due if self.plan.transfer is not None else None
        by = f"; the plan naming the next setting is due by {long_date(due)}" if due else ""
        return f"{TRANSFER_WORDS.get(t.kind, t.kind)}, moving on {long_date(t.transfer_date)}{by}."

    def picker(self, preselect: int | None) -> SettingPicker:
        picker = SettingPicker(self.desktop, self, preselect)
        picker.currentIndexChanged.connect(self.changed)
        picker.editTextChanged.connect(self.changed)
        return picker


class RecordTransferDialog(PlanStepDialog):
    step = names.RECORD_TRANSFER
    heading = "Phase transfer"

    def build(self) -> None:
        under_way, cohort = open_transfer(self.facts), self.plan.cohort
        kind = under_way.kind if under_way else cohort.kind if cohort else TRANSFER_KINDS[0]
        moves = under_way.transfer_date if under_way else cohort.transfer_date if cohort else self.today
        self.kind = QComboBox(self)
        for code in TRANSFER_KINDS:
            self.kind.addItem(TRANSFER_WORDS[code], code)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.add_row("&Kind of move:", self.kind, ["transfer_kind"], accessible="Kind of phase transfer")
        self.moves = DateEdit(moves, self)
        self.add_row("Moves &on:", self.moves, ["transfer_date"], accessible="Date the child moves")
        self.kind.currentIndexChanged.connect(self.changed)
        self.moves.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        cohort = self.plan.cohort
        words = ("Record the child's next move between phases, or correct the one under way. The plan must be "
                 "amended to name the next setting by 15 February of the year of a school move, 31 March for a move "
                 "to post-16, or 5 months before a move between post-16 institutions.")
        if cohort is not None:
            words += (f" From the date of birth{self._year_group()}: {cohort.year_group} in September "
                      f"{cohort.transfer_date.year}.")
        return words

    def _year_group(self) -> str:
        return " and year group" if self.facts.year_group_offset else ""

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "transfer_date", self.moves.value(), ahead=True)
        return p

    def meaning(self) -> str:
        moving = TransferFacts(str(self.kind.currentData()), self.moves.value())
        t = self.would_be(replace(self.facts, transfer=moving)).transfer
        work_by = f" (work by {short_date(t.work_by)})" if t.work_by != t.due else ""
        left = (t.due - self.today).days
        when = f"{days(left)} from today" if left >= 0 else f"already {days(-left)} past"
        return (f"The plan, amended to name the next setting, is due by {long_date(t.due)}{work_by}: {when}. "
                f"{self.clocks.rules.row(f'phase_transfer_{t.kind}').law}.")

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        kind, moves = str(self.kind.currentData()), self.moves.value()
        return lambda: plan_transfers.record_transfer(ctx, actor, cid, kind, moves, expected_version=ver)


class TransferConsultationDialog(TransferStep):
    step = names.TRANSFER_CONSULTATION
    heading = "Consult the next setting"

    def build(self) -> None:
        self.setting = self.picker(None)
        self.add_row("Ne&xt setting:", self.setting, ["school"], accessible="Setting consulted")
        self.sent = DateEdit(self.today, self)
        self.add_row("Sent &on:", self.sent, ["consultation_sent_on"], accessible="Date the consultation was sent")
        self.sent.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        return (f"{self.moving_words()} Record the school, college or other setting consulted on being named for "
                "the move. It should reply within 15 days.")

    def missing(self) -> str | None:
        return PICK_A_SETTING if self.setting.chosen() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "consultation_sent_on", self.sent.value())
        return p

    def meaning(self) -> str:
        chosen = self.setting.chosen()
        assert chosen is not None
        return f"{chosen.name} should reply by {long_date(reply_due(self.desktop, self.sent.value()))}."

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        chosen = self.setting.chosen()
        assert chosen is not None
        school, sent = chosen.id, self.sent.value()
        return lambda: plan_transfers.record_transfer_consultation(ctx, actor, cid, school, sent,
                                                                   expected_version=ver)


class TransferReplyDialog(TransferStep):
    step = names.TRANSFER_REPLY
    heading = "The next setting's reply"

    def build(self) -> None:
        sent = self.moving.consultation_sent
        assert sent is not None, "offered only once a setting is consulted"
        self.sent_on: date = sent
        self.reply = QComboBox(self)
        for code, words in REPLY_WORDS.items():
            self.reply.addItem(words, code)
        self.reply.setCurrentIndex(-1)
        self.reply.setPlaceholderText("Choose the reply")
        self.add_row("&Reply:", self.reply, ["reply"], accessible="The setting's reply")
        self.replied = DateEdit(self.today, self)
        self.add_row("Replied &on:", self.replied, ["setting_replied_on"], accessible="Date of the reply")
        self.reply.currentIndexChanged.connect(self.changed)
        self.replied.dateChanged.connect(self.changed)

    def intro_text(self) -> str:
        who = self.plan.transfer.consulted if self.plan.transfer is not None else ""
        return (f"{self.moving_words()} {who or 'The next setting'} was consulted on {long_date(self.sent_on)}. "
                "Record what it said about being named.")

    def missing(self) -> str | None:
        return "Choose the reply." if self.reply.currentData() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        replied = self.replied.value()
        self.day_problems(p, "setting_replied_on", replied)
        if replied < self.sent_on:
            p.append(Problem("setting_replied_on", f"the consultation was sent on {day(self.sent_on)}; the reply "
                                                   "cannot come before it"))
        return p

    def meaning(self) -> str:
        due = reply_due(self.desktop, self.sent_on)
        on = self.replied.value()
        late = f", {days((on - due).days)} after the 15 days" if on > due else ", within the 15 days"
        return f"{REPLY_WORDS[str(self.reply.currentData())]}: replied {short_date(on)}{late}."

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        on, reply = self.replied.value(), str(self.reply.currentData())
        return lambda: plan_transfers.record_transfer_reply(ctx, actor, cid, on, reply, expected_version=ver)


class TransferDoneDialog(TransferStep):
    step = names.TRANSFER_DONE
    heading = "Phase transfer done"

    def build(self) -> None:
        consulted = self.plan.transfer.consulted_id if self.plan.transfer is not None else None
        self.setting = self.picker(consulted)
        self.add_row("Ne&xt setting:", self.setting, ["school", "named_setting"],
                     accessible="Setting the amended plan names")
        self.kind = QComboBox(self)
        for code, title in SETTING_KIND_TITLES.items():
            self.kind.addItem(title, code)
        self.kind.setCurrentIndex(-1)
        self.kind.setPlaceholderText("Choose the kind of setting")
        self.add_row("&Kind:", self.kind, ["named_setting_kind"], accessible="Kind of setting")
        self.done_on = DateEdit(self.today, self)
        self.add_row("&Issued on:", self.done_on, ["done_on"], accessible="Date the amended plan was issued")
        self.setting.currentIndexChanged.connect(self._setting_changed)
        self.kind.currentIndexChanged.connect(self.changed)
        self.done_on.dateChanged.connect(self.changed)

    def _setting_changed(self) -> None:
        chosen = self.setting.chosen()
        if chosen is not None:
            self.kind.setCurrentIndex(self.kind.findData(chosen.kind) if chosen.kind else -1)
        self.changed()

    def intro_text(self) -> str:
        return (f"{self.moving_words()} Record the day the plan, amended to name the next setting in section I, was "
                "issued: the transfer is then done and the setting named.")

    def missing(self) -> str | None:
        if self.setting.chosen() is None:
            return PICK_A_SETTING
        return "Say what kind of setting it is." if self.kind.currentData() is None else None

    def problems(self) -> list[Problem]:
        p: list[Problem] = []
        self.day_problems(p, "done_on", self.done_on.value())
        return p

    def meaning(self) -> str:
        chosen, on = self.setting.chosen(), self.done_on.value()
        assert chosen is not None
        named = f"The plan names {chosen.name} in section I from {short_date(on)}."
        clock = self.plan.transfer.clock if self.plan.transfer is not None else None
        if clock is None:
            return named
        if on <= clock.due:
            return f"{named} In time: due by {short_date(clock.due)}."
        return f"{named} {days((on - clock.due).days)} late: it was due by {short_date(clock.due)}."

    def task(self) -> Callable[[], Any]:
        ctx, actor, cid, ver = self.desktop.ctx, self.desktop.actor, self.detail.case_id, self.version
        chosen = self.setting.chosen()
        assert chosen is not None
        kind = str(self.kind.currentData())
        school, on, new_kind = chosen.id, self.done_on.value(), None if kind == chosen.kind else kind
        return lambda: plan_transfers.record_transfer_done(ctx, actor, cid, on, school, kind=new_kind,
                                                           expected_version=ver)


__all__ = ["RecordTransferDialog", "TransferConsultationDialog", "TransferDoneDialog", "TransferReplyDialog"]
