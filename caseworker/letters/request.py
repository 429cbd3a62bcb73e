"""What a letter is asked for with: its template, recipient and subject. Kept apart from the services that
make letters, so that listing the letters waiting (the Letters to send tab, built at start-up) does not
load the templates, the PDF renderer and the fonts' checks with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class LetterRequest:
    """Which letter, to whom (an id from the case's recipients), and about what."""

    template_id: str
    recipient_id: str | None = None  # None: the adviser's service for advice letters, else the main correspondent
    advice_id: int | None = None
    exception_id: int | None = None
    reasons: tuple[str, ...] = ()  # a decision's reasons, one per point (decisions not to assess or issue)
    allocation_id: int | None = None  # the reallocation a change-of-caseworker letter tells the family about
    # A decision letter only: record this as the day the decision is notified, and date the letter with it.
    notified_on: date | None = None
    meeting_time: str = ""  # a review invitation: the meeting's time and place, as typed
    meeting_place: str = ""

    @property
    def about(self) -> str | None:
        if self.advice_id is not None:
            return f"advice:{self.advice_id}"
        if self.exception_id is not None:
            return f"exception:{self.exception_id}"
        if self.allocation_id is not None:
            return f"allocation:{self.allocation_id}"
        return None
