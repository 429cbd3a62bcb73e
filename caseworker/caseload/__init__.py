"""Caseloads: what each case costs, what each person can hold, and proposals to balance the team.

Pure (no database, no clock): the services and views read the store and pass plain facts in.
"""

from caseworker.caseload.balance import Item, Move, Person, Proposal, propose_balance
from caseworker.caseload.capacity import (
    BANDS,
    CRITICAL,
    OK,
    OVER,
    UNDER,
    Absence,
    StaffFacts,
    band,
    capacity_on,
    fraction_or_none,
    percent,
    utilisation,
)
from caseworker.caseload.settings import CaseloadSettings, CaseloadSettingsError, default_settings, load_settings
from caseworker.caseload.weights import points_of, protection, state_of

__all__ = ["BANDS", "CRITICAL", "OK", "OVER", "UNDER", "Absence", "CaseloadSettings", "CaseloadSettingsError", "Item",
           "Move", "Person", "Proposal", "StaffFacts", "band", "capacity_on", "default_settings", "fraction_or_none",
           "load_settings", "percent", "points_of", "propose_balance", "protection", "state_of", "utilisation"]
