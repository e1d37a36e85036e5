"""The domain model of DESIGN.md, one module per area."""

from .base import PublishableQuerySet, TimeStampedModel, Visibility
from .delegations import Delegation, DelegationMember, DelegationStop, Meeting
from .followups import FollowUp
from .generation import DataGeneration
from .imports import ImportRun, ImportRunItem
from .media import Photo
from .memoranda import Memorandum, MemorandumParty
from .organisations import Organisation, Person
from .places import City, Partnership
from .profiles import CompanyProfile, Interest, ProfileHandover, Sector
from .trips import MeetingRequest, MeetingSlot, TripRegistration

__all__ = [
    "City",
    "CompanyProfile",
    "DataGeneration",
    "Delegation",
    "DelegationMember",
    "DelegationStop",
    "FollowUp",
    "ImportRun",
    "ImportRunItem",
    "Interest",
    "Meeting",
    "MeetingRequest",
    "MeetingSlot",
    "Memorandum",
    "MemorandumParty",
    "Organisation",
    "Partnership",
    "Person",
    "Photo",
    "ProfileHandover",
    "PublishableQuerySet",
    "Sector",
    "TimeStampedModel",
    "TripRegistration",
    "Visibility",
]
