"""The council's answer to an inspection: plans, actions, milestones, officers and monthly
updates.

One module per part, imported here so that the rest of the project reads
`actionplans.models`: plans.py (plans, status schemes), people.py (officers, roles),
units.py (actions, milestones and the rules' QuerySets), periods.py (months, updates),
amendments.py (agreed changes against the baseline), proof.py (evidence and measures).
"""

from .amendments import Amendment, AmendmentQuerySet, ItemRecord
from .people import Officer, OfficerQuerySet, PlanMembership
from .periods import (
    Direction,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    ReportingPeriod,
    ReportingPeriodQuerySet,
    UpdateShown,
)
from .plans import ActionPlan, ActionPlanQuerySet, StatusColour, StatusOption
from .proof import Evidence, Measure, MeasureTarget, MeasureValue
from .units import (
    Action,
    ActionQuerySet,
    DatedUnitQuerySet,
    Milestone,
    MilestoneQuerySet,
)

__all__ = [
    "Action",
    "Amendment",
    "AmendmentQuerySet",
    "ItemRecord",
    "ActionPlan",
    "ActionPlanQuerySet",
    "ActionQuerySet",
    "DatedUnitQuerySet",
    "Direction",
    "Evidence",
    "Measure",
    "MeasureTarget",
    "MeasureValue",
    "Milestone",
    "MilestoneQuerySet",
    "Officer",
    "OfficerQuerySet",
    "PlanMembership",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "ReportingPeriod",
    "ReportingPeriodQuerySet",
    "StatusColour",
    "StatusOption",
    "UpdateShown",
]
