"""The store's code lists and text limits as plain data.

The models build their constraints from these, and the tracker import (``caseworker.io``) checks cells
against them without importing the ORM. ``tests/db/test_plan_schema.py`` holds the text limits to the
columns they describe.
"""

from __future__ import annotations

from caseworker.statutory.plan_facts import REVIEW_DECISIONS, TRANSFER_KINDS

# How a request or a draft went out: the adviser's or family's clock runs from receipt (docs/law.md#counting).
SENT_BY = ("email", "portal", "hand", "post")
# The kind of setting named in section I of a plan; s43 (the admission duty) applies to the first five.
SETTING_KINDS = ("maintained", "academy", "fe_college", "nmss", "s41_independent", "independent", "early_years",
                 "other")
CONSULTATION_REPLIES = ("agrees", "declines", "other")

# Why a plan stopped being maintained, as SEN2 codes it (module 4). The wording follows the DfE's guide;
# check it against the year's guide when the return changes.
CEASE_REASONS = {
    1: "Reached the maximum age (the end of the academic year in which they turned 25)",
    2: "Ongoing educational or training needs being met without an EHC plan",
    3: "Moved on to higher education",
    4: "Moved on to paid employment, excluding apprenticeships",
    5: "Transferred to another local authority",
    6: "Young person no longer wishes to engage in education or training",
    7: "Moved outside England",
    8: "Deceased",
    9: "Other",
}
CEASE_REASON_CODES = tuple(CEASE_REASONS)

# How far out of their year group a child may be recorded as taught (+: behind, -: ahead).
YEAR_GROUP_OFFSETS = range(-2, 3)

# The longest text each column the import fills holds (the models' String lengths).
TEXT_LIMITS = {
    "case.reference": 40,
    "child.forename": 100,
    "child.surname": 100,
    "school.urn": 10,
    "school.name": 200,
    "staff.username": 64,
    "contact.name": 200,
    "contact.email": 200,
    "advice_service.name": 200,
}

__all__ = ["CEASE_REASONS", "CEASE_REASON_CODES", "CONSULTATION_REPLIES", "REVIEW_DECISIONS", "SENT_BY",
           "SETTING_KINDS", "TEXT_LIMITS", "TRANSFER_KINDS", "YEAR_GROUP_OFFSETS"]
