"""The report's criteria as a django-filter FilterSet: what managers choose on /reports/."""

import datetime

import django_filters
from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dates import FIRST_YEAR, LAST_YEAR
from ..models import City, Delegation, Organisation
from ..widgets import AutocompleteSelect, LongChoiceFilter
from .queries import Criteria, partner_cities

# The report's period lies within these years (also the year field's bounds): beyond them
# date arithmetic (a period's end plus the review horizon) leaves Python's calendar.


class ReportForm(forms.Form):
    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
                data.pop(name, None)
        year, start, end = data.get("year"), data.get("date_from"), data.get("date_to")
        if year is not None and (start or end):
            raise forms.ValidationError(_("Choose either a year or a date range, not both."))
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif start and not end and start > timezone.localdate():
            # Without an end the period ends today (``criteria``): it would end before it starts.
            self.add_error(
                "date_to",
                _("The period starts after today: choose its end (without one, it ends today)."),
            )
        return data


def _day_filter(label) -> django_filters.DateFilter:
    widget = forms.DateInput(attrs={"type": "date"})
    return django_filters.DateFilter(label=label, method="_no_op", widget=widget)


class YearFilter(django_filters.NumberFilter):
    """A whole year: "2020.5" is an error, not 2020 (a NumberFilter reads a decimal)."""

    field_class = forms.IntegerField


class OrganisationAutocomplete(AutocompleteSelect):
    """The admin's organisation autocomplete. Django reads select2's language when the
    widget is made, so the report's filter names the class, which each form makes anew:
    an instance made at import spoke the server's start-up language on every page."""

    def __init__(self, attrs=None):
        super().__init__(Delegation._meta.get_field("lead_organisation"), admin.site, attrs)


class ReportFilter(django_filters.FilterSet):
    """The report's criteria. It filters the partner-city rows; the rest of the
    criteria are read by ``criteria()`` and applied by ``partners.reports.queries``."""

    year = YearFilter(label=_("Year"), method="_no_op", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    # "From"/"To" of the period (German "Von"/"Bis", not the "Aus" of an origin city).
    date_from = _day_filter(pgettext_lazy("period", "From"))
    date_to = _day_filter(pgettext_lazy("period", "To"))
    home_city = django_filters.ModelChoiceFilter(
        label=_("Home city"),
        queryset=City.objects.filter(is_home=True),
        to_field_name="slug",
        field_name="partnered_with__home_city",
        distinct=True,
    )
    partner_city = LongChoiceFilter(
        label=_("Partner city"),
        queryset=partner_cities(),
        to_field_name="slug",
        field_name="pk",
        method="_only_city",
        country_where_shared=True,
    )
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Delegation.Direction.choices, method="_no_op"
    )
    # Picked from a searchable list (the admin's autocomplete, which checks the user's
    # view right on organisations): there are thousands of organisations (companies).
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        method="_no_op",
        widget=OrganisationAutocomplete,  # a class: made with each form, in its language
    )

    def __init__(self, data=None, **kwargs):
        # An empty query chooses nothing (the current year); the rows are the partner cities.
        super().__init__(data or None, partner_cities(), **kwargs)

    class Meta:
        model = City
        fields = []
        form = ReportForm

    def _no_op(self, queryset, name, value):
        return queryset

    def _only_city(self, queryset, name, value):
        return queryset.filter(pk=value.pk)

    def criteria(self) -> Criteria:
        """The chosen criteria; the current year when nothing (or nothing valid) was chosen:
        the page answers an invalid choice with its errors before asking."""
        if not (self.is_bound and self.is_valid()):
            return Criteria.for_year(timezone.localdate().year)
        data = self.form.cleaned_data
        if data.get("date_from") or data.get("date_to"):
            start = data.get("date_from") or datetime.date(FIRST_YEAR, 1, 1)
            period = (start, data.get("date_to") or timezone.localdate())
        else:
            year = data.get("year") or timezone.localdate().year
            period = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        return Criteria(
            *period,
            home_city=data.get("home_city"),
            # A home city alone chooses its partner cities (``Criteria.cities``), and what
            # its records have elsewhere is "not in any partner city" of its report.
            partner_cities=self.qs if data.get("partner_city") else None,
            direction=data.get("direction") or "",
            organisation=data.get("organisation"),
        )
