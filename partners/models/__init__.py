"""The domain model of DESIGN.md, one module per area."""

# ruff: noqa: F401 (the names the rest of the project imports from here)

from .base import COUNTED_FIELDS, Shown, Visibility, clauses, is_translated, shown_text
from .delegations import Delegation, DelegationMember, DelegationStop, Meeting
from .followups import FollowUp
from .imports import ImportRun, ImportRunItem
from .jobs import Job
from .media import Photo
from .memoranda import Memorandum, MemorandumParty
from .opportunities import Opportunity, OpportunityStageChange
from .organisations import Organisation, Person, normalise_company_name
from .places import City, Partnership
from .profiles import CompanyProfile, Interest, ProfileHandover, Sector
from .publishing import PublicationRequest
from .trips import MeetingRequest, MeetingSlot, TripRegistration
