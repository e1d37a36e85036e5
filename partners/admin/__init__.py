"""The back office: one module per area, mirroring partners/models/."""

from . import (
    delegations,
    followups,
    import_runs,
    jobs,
    media,
    memoranda,
    organisations,
    places,
    profiles,
    users,
)

__all__ = [
    "delegations",
    "followups",
    "import_runs",
    "jobs",
    "media",
    "memoranda",
    "organisations",
    "places",
    "profiles",
    "users",
]
