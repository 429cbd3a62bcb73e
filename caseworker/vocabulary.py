"""The app's words for steps, stages and dates, in one place.

The statutory titles and the law live with the rules (``caseworker/statutory/timescales.json``); this
module holds the shorter words the screens, reports and messages use for the same steps, each in the
register its place needs: a label for a table cell, a task for a to-do list, a phrase for the middle of
a sentence. It also names the events the timescales table may start or complete a clock with, and the
few ways a date is written. Plain data and functions: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class StepWords:
    """How one step of the timescales table is named: ``label`` in a table ("Decision to assess"),
    ``task`` as something to do ("Decide whether to assess"), ``phrase`` inside a sentence."""

    label: str
    task: str
    phrase: str


# Every row of the timescales table that shows up as a step (its name in the table -> its words).
STEP_WORDS: dict[str, StepWords] = {
    # The 20-week assessment (the four milestones of the deadlines report).
    "decision_to_assess": StepWords("Decision to assess", "Decide whether to assess", "decision whether to assess"),
    "issue_decision": StepWords("Decision to issue", "Decide whether to issue", "decision whether to issue"),
    "draft_latest_safe": StepWords("Draft (latest safe day)", "Send the draft", "draft plan"),
    "final_plan": StepWords("Final plan", "Issue the final plan", "final plan"),
    # A plan in place.
    "annual_review": StepWords("Annual review", "Review the plan", "annual review"),
    "review_invitations": StepWords("Review invitations", "Invite to the review meeting", "review invitations"),
    "review_report": StepWords("Review report", "Send the review report", "review report"),
    "review_decision": StepWords("Review decision", "Decide and notify the review outcome", "review decision"),
    "under_fives_review": StepWords("Early review (under 5)", "Consider an early review", "early review"),
    "amendment_final": StepWords("Final amended plan", "Issue the final amended plan", "final amended plan"),
    "amendment_comment": StepWords("Comments on amendments", "Wait for the family's comments",
                                   "family's comments on the amendments"),
    "phase_transfer_school": StepWords("Phase transfer", "Name the next school", "phase transfer"),
    "phase_transfer_post16": StepWords("Post-16 transfer", "Name the post-16 setting", "post-16 transfer"),
    "phase_transfer_post16_move": StepWords("Post-16 move", "Name the next post-16 institution", "post-16 move"),
    "tribunal_appeal": StepWords("Appeal window", "Wait for the appeal window to close", "appeal window"),
}


def step_words(name: str) -> StepWords:
    """The words for a step; a step the app has no words for is named from its table name."""
    words = STEP_WORDS.get(name)
    if words is not None:
        return words
    plain = name.replace("_", " ")
    return StepWords(plain.capitalize(), plain.capitalize(), plain)


def step_label(name: str) -> str:
    return step_words(name).label


def step_task(name: str) -> str:
    return step_words(name).task


def step_phrase(name: str) -> str:
    return step_words(name).phrase


# The names of the four request milestones, each with its label (the case record, the timeline).
MILESTONE_LABELS = {name: STEP_WORDS[name].label
                    for name in ("decision_to_assess", "issue_decision", "draft_latest_safe", "final_plan")}


# The kinds of advice, as a list or a table names them ("EP advice late").
ADVICE_SHORT = {"ep": "EP", "health": "Health", "social_care": "Social care", "education": "Education",
                "other": "Other"}


@dataclass(frozen=True, slots=True)
class StageWords:
    """A request's stage: ``short`` in a list's column, ``long`` in the case record's header."""

    short: str
    long: str


STAGE_WORDS: dict[str, StageWords] = {
    "request": StageWords("Request", "Request: deciding whether to assess"),
    "assessment": StageWords("Assessment", "Assessment: gathering advice"),
    "drafting": StageWords("Drafting", "Drafting the plan"),
    "issued": StageWords("Plan issued", "Plan issued"),
    "closed": StageWords("Closed", "Closed"),
    "plan": StageWords("Plan in place", "Plan in place"),
}
STAGE_ORDER = tuple(STAGE_WORDS)


def stage_short(stage: str) -> str:
    words = STAGE_WORDS.get(stage)
    return words.short if words else stage.replace("_", " ").capitalize()


def stage_long(stage: str) -> str:
    words = STAGE_WORDS.get(stage)
    return words.long if words else stage.replace("_", " ").capitalize()



# Where a plan's next annual review stands, as the Cases list shows and filters it (the engine's statuses).
REVIEW_NOT_DUE = "pending"


def review_status_words(status: str, due_soon_days: int = 56) -> str:
    """"Overdue", "Due within 8 weeks" (the review row's due-soon window) or "Not due"; "" for no plan."""
    if status == "overdue":
        return "Overdue"
    if status == "due_soon":
        weeks, odd = divmod(due_soon_days, 7)
        return f"Due within {weeks} weeks" if not odd else f"Due within {due_soon_days} days"
    return "Not due" if status == REVIEW_NOT_DUE else ""


# Where a phase transfer takes the child: by the year group they move into (a council's own transfer
# points keep their year group's name), or by a recorded post-16 move.
TRANSFER_DESTINATIONS = {"Reception": "to Reception", "Year 7": "to secondary", "Year 12": "to post-16"}
POST16_MOVE_WORDS = "post-16 move"


def transfer_destination(year_group: str | None, kind: str = "school") -> str:
    """"to secondary", "to post-16", "post-16 move", "to Year 3"; "to the next phase" when not known."""
    if kind == "post16_move":
        return POST16_MOVE_WORDS
    if year_group is None:
        return "to post-16" if kind == "post16" else "to the next phase"
    return TRANSFER_DESTINATIONS.get(year_group, f"to {year_group}")


def month_year(d: date | None) -> str:
    """Sep 2027: when a phase transfer happens (always 1 September, so the day says nothing)."""
    return "" if d is None else f"{_month(d)[:3]} {d.year}"

# The events a row of the timescales table may start its clock from or be completed by, with what each
# means. The facts of a request or a plan carry their recorded dates under these names.
EVENT_WORDS: dict[str, str] = {
    # A request for an EHC needs assessment.
    "received": "the request is received",
    "assessment_decided": "the decision whether to assess is notified",
    "issue_decided": "the decision whether to issue a plan is notified",
    "draft_sent": "the draft plan is sent",
    "draft_served": "the draft plan is served",
    "final_issued": "the final plan is issued",
    "withdrawn": "the request is withdrawn",
    "advice_delivered": "the adviser receives the request for advice",
    "advice_received": "the advice comes back",
    "consultation_sent": "a school or college is consulted",
    "consultation_answered": "the school or college answers",
    "reassessment_requested": "a re-assessment is asked for",
    "decision_letter": "the decision letter is sent",
    # A plan in place.
    "plan_issued": "the plan is issued",
    "review_meeting": "the review meeting is held",
    "invitations_sent": "the review invitations go out",
    "report_sent": "the review report is sent",
    "review_notified": "the review decision is notified",
    "amendment_notice_sent": "the amendment notice is sent",
    "amendment_notice_served": "the amendment notice is served",
    "amended_plan_issued": "the final amended plan is issued",
    "amendment_dropped": "a decision not to amend is notified",
    "transfer_date": "the child moves to the next phase",
    "transfer_done": "the plan naming the next setting is issued",
}


def event_words(name: str) -> str:
    return EVENT_WORDS.get(name, name.replace("_", " "))


# --- dates ------------------------------------------------------------------------------------------------
# One function per way a date is written; the name says where it belongs. English names, never the
# computer's locale: a letter or a report reads the same on every machine.

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def _day(d: date) -> str:
    return DAY_NAMES[d.weekday()]


def _month(d: date) -> str:
    return MONTH_NAMES[d.month - 1]


def short_date(d: date | None) -> str:
    """3 Mar 2025: table cells, markers and messages."""
    return "" if d is None else f"{d.day} {_month(d)[:3]} {d.year}"


def day_month(d: date | None) -> str:
    """3 Mar: one end of a short range in the same year ("away 3 Mar to 14 Mar 2025")."""
    return "" if d is None else f"{d.day} {_month(d)[:3]}"


def weekday_date(d: date | None) -> str:
    """Mon 3 Mar 2025: a due date in a list, where the day of the week matters."""
    return "" if d is None else f"{_day(d)[:3]} {d.day} {_month(d)[:3]} {d.year}"


def long_date(d: date | None) -> str:
    """Mon 3 March 2025: previews, tooltips and consequences spelt out."""
    return "" if d is None else f"{_day(d)[:3]} {d.day} {_month(d)} {d.year}"


def full_date(d: date | None) -> str:
    """Monday 3 March 2025: a heading (My day's date) and a letter's dates."""
    return "" if d is None else f"{_day(d)} {d.day} {_month(d)} {d.year}"


def spelt_date(d: date | None) -> str:
    """3 March 2025: a letter's date when the day of the week does not matter."""
    return "" if d is None else f"{d.day} {_month(d)} {d.year}"


def column_date(d: date | None) -> str:
    """Mon 03 Mar 2025: a column of a plain-text report, where every date is the same width."""
    return "" if d is None else f"{_day(d)[:3]} {d.day:02d} {_month(d)[:3]} {d.year}"
