"""One screen after the trip: each scheduled meeting held, cancelled or a no-show."""

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..dates import local_day_and_times
from ..models import MeetingRequest, clauses
from ..scheduling.after_trip import OUTCOMES, Outcome, record
from .pages import page_context
from .rights import allowed

HAPPENED = {MeetingRequest.Status.HELD, MeetingRequest.Status.NO_SHOW}


class OutcomeForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=[("", "–"), *[(status.value, status.label) for status in OUTCOMES]],
        required=False,
    )
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handed_over = forms.BooleanField(label=gettext_lazy("Profile handed over"), required=False)
    opportunity = forms.BooleanField(label=gettext_lazy("Follow up as opportunity"), required=False)

    def __init__(self, *args, requests: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests = requests  # the page's meeting requests by id

    def clean(self):
        cleaned_data = super().clean()
        slot = getattr(self.requests.get(cleaned_data.get("request")), "slot", None)
        # Cancelled may be said ahead; held or missed only once the meeting has begun.
        if cleaned_data.get("status") in HAPPENED and slot and slot.starts_at > timezone.now():
            when = local_day_and_times(slot.starts_at, slot.ends_at, slot.stop.city.tzinfo)
            self.add_error(
                "status", _("This meeting has not begun yet: %(when)s.") % {"when": when}
            )
        return cleaned_data


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=0)


class AfterTripMixin:
    def get_urls(self):
        view = self.admin_site.admin_view(self.after_trip)
        name = "partners_delegation_after_trip"
        return [path("<path:object_id>/after-trip/", view, name=name), *super().get_urls()]

    def after_trip(self, request, object_id):
        delegation = self.permitted_object(request, object_id, allowed("after_trip"))
        requests = {
            r.pk: r
            for r in delegation.meeting_requests.filter(slot__isnull=False)
            .select_related(
                "slot__stop__city",
                "registration__organisation",
                "registration__profile",
                "counterpart",
                "meeting",
            )
            .order_by("slot__starts_at", "table", "pk")
        }
        initial = [
            {
                "request": pk,
                "status": r.status if r.status in OUTCOMES else "",
                "outcome": r.meeting.outcome if r.meeting else "",
            }
            for pk, r in requests.items()
        ]
        formset = OutcomeFormSet(
            request.POST or None, initial=initial, form_kwargs={"requests": requests}
        )
        if request.method == "POST" and formset.is_valid():
            outcomes = [
                Outcome(
                    request=requests[row["request"]],
                    status=row["status"],
                    outcome=row["outcome"].strip(),
                    handed_over=row["handed_over"],
                    opportunity=row["opportunity"],
                )
                for row in formset.cleaned_data
                if row.get("status") and row.get("request") in requests
            ]
            result = record(outcomes, user=request.user)
            self.message_user(
                request,
                _(
                    # Counts as figures, so that "1" needs no singular of its own.
                    "Meetings logged: %(meetings)d, handovers recorded: %(handovers)d, "
                    "opportunities opened: %(opportunities)d."
                )
                % asdict(result),
            )
            if result.kept_held:
                self.message_user(
                    request,
                    _(
                        "Left as held, a meeting was logged for them (delete the meeting "
                        "first to record another outcome): %(meetings)s"
                    )
                    % {"meetings": clauses(result.kept_held)},
                    messages.WARNING,
                )
            if result.without_consent:
                self.message_user(
                    request,
                    _("Not handed over, the company has not consented: %(profiles)s")
                    % {"profiles": ", ".join(result.without_consent)},
                    messages.WARNING,
                )
            if result.without_profile:
                self.message_user(
                    request,
                    _("Not handed over, the company has no profile: %(companies)s")
                    % {"companies": ", ".join(result.without_profile)},
                    messages.WARNING,
                )
            return redirect(request.path)
        # Rows beyond the page's own (a forged form count) have no meeting to show.
        rows = [
            (form, meeting_request)
            for form in formset.forms
            if (meeting_request := requests.get(form.initial.get("request")))
        ]
        context = {
            **page_context(self, request, _("After the trip: %(trip)s") % {"trip": delegation}),
            "original": delegation,
            "formset": formset,
            "rows": rows,
        }
        return render(request, "admin/partners/delegation/after_trip.html", context)
