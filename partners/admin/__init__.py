"""The back office: one module per area, mirroring partners/models/."""

from . import (
    delegations,
    followups,
    import_runs,
    media,
    memoranda,
    organisations,
    places,
    profiles,
    trips,
)

__all__ = [
    "delegations",
    "followups",
    "import_runs",
    "media",
    "memoranda",
    "organisations",
    "places",
    "profiles",
    "trips",
]
