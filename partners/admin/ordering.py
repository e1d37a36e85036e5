"""A list column of a translated field sorts by the text the column shows.

Django's admin sorts a column by its field's name (``name``); modeltranslation turns that
into the active language's column (``name_en``), which is empty for most records on an
English page. The column sorts by ``Shown("name")`` instead: that language's text, else
the German source, as displayed.
"""

from ..models import Shown, is_translated
from .ids import CheckedChangeList


class ShownOrderChangeList(CheckedChangeList):
    def get_ordering_field(self, field_name):
        order_field = super().get_ordering_field(field_name)
        if isinstance(order_field, str) and is_translated(self.model, order_field):
            return Shown(order_field)
        return order_field
