"""Demo data at any scale (`manage.py generate_demo_data --scale N`)."""

from .activities import ActivitiesMixin
from .world import Sizes, World


class DemoWorld(ActivitiesMixin, World):
    """Places, organisations and people (World) plus the offices' work (ActivitiesMixin)."""


__all__ = ["DemoWorld", "Sizes"]
