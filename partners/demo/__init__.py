"""Demo data at any scale (`manage.py generate_demo_data --scale N`)."""

from .activities import ActivitiesMixin
from .opportunities import OpportunitiesMixin
from .world import Sizes, World


class DemoWorld(OpportunitiesMixin, ActivitiesMixin, World):
    """Places, organisations and people (World) plus the offices' work (ActivitiesMixin)
    and the leads it produced (OpportunitiesMixin)."""


__all__ = ["DemoWorld", "Sizes"]
