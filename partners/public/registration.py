"""The public registration form of a company delegation trip, with double opt-in.

The form writes nothing public; a bot fills the hidden field and is turned away, and
each address may send only a few forms an hour.
"""

import re
from dataclasses import fields

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from crm.client_ip import client_ip

from .. import mail
from .. import registration as service
from ..models import Delegation, Interest, Organisation, Person, Sector, TripRegistration
from ..validators import no_control_characters, no_direction_controls
from ..widgets import CheckboxesField, LongSelect, NamedChoiceField
from .views import published_or_404

OPTIONAL_TEXT = {"required": False, "widget": forms.Textarea(attrs={"rows": 3})}
# A company sends a few people. Each line is a new person (with its history) written in
# the form's one transaction: 3,000 lines, a 44 KB form, held the database's write lock for
# 40 s and left 3,000 people for the office to delete.
MAX_REPRESENTATIVES = 10
# Free text kept as typed (the profile's products, the wishes): a paragraph or two, not the
# megabytes a form may carry, which the officers' pages and the handout PDF would print.
MAX_TEXT = 2000


def _length(model, name: str) -> int:
    """The length of the column a form field is stored in: longer input is an error on
    that field, never a database error."""
    return model._meta.get_field(name).max_length


def _autofilled(purpose: str) -> forms.TextInput:
    # Browsers and phones fill in the visitor's own details (HTML autocomplete tokens).
    return forms.TextInput(attrs={"autocomplete": purpose})


class RegistrationForm(forms.Form):
    # A required field's label is marked "*" (site.css), explained above the form.
    required_css_class = "required"

    company = forms.CharField(
        label=_("Company"),
        max_length=_length(Organisation, "name"),
        widget=_autofilled("organization"),
    )
    register_number = forms.CharField(
        label=_("Commercial register number"),
        max_length=_length(Organisation, "register_number"),
        required=False,
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=_length(Organisation, "website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=_length(Person, "full_name"), widget=_autofilled("name")
    )
    contact_position = forms.CharField(
        label=_("Your position"),
        max_length=_length(Person, "position"),
        required=False,
        widget=_autofilled("organization-title"),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=_length(Person, "email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=_length(Person, "phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),  # a phone's keypad
    )
    representatives = forms.CharField(
        label=_("Who else travels"),
        help_text=_("One person per line: name, position."),
        **OPTIONAL_TEXT,
    )
    # A sector shown in German for a missing translation is marked so (DESIGN.md).
    sector = NamedChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, widget=LongSelect
    )
    # Keys checked before the lookup: SQLite cannot bind a number beyond 64 bits.
    interests = CheckboxesField(
        label=_("Interested in"), queryset=Interest.objects.all(), required=False
    )
    products = forms.CharField(
        label=_("Products and services"), max_length=MAX_TEXT, **OPTIONAL_TEXT
    )
    counterparts = CheckboxesField(
        label=_("Whom you would like to meet"), queryset=Organisation.objects.none(), required=False
    )
    wishes = forms.CharField(
        label=_("Other wishes for meetings"), max_length=MAX_TEXT, **OPTIONAL_TEXT
    )
    # Sentences, with no colon after them: Django leaves it out after "." but not after
    # the Chinese "。".
    consent_registration = forms.BooleanField(
        label=_(
            "I agree that the office stores these details to prepare the trip and contacts "
            "me about it."
        ),
        label_suffix="",
    )
    consent_to_share = forms.BooleanField(
        label=_("The office may hand our company profile to counterparts on the trip."),
        required=False,
        label_suffix="",
    )
    # Hidden from people (CSS and aria-hidden); bots fill every field.
    homepage = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, delegation: Delegation, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators += [no_direction_controls, no_control_characters]
        # Only published organisations of the trip's stop cities are offered (publication rule).
        self.fields["counterparts"].queryset = (
            Organisation.objects.published()
            .filter(city__delegation_stops__delegation=delegation, city__visibility="public")
            .exclude(Q(city__is_home=True) | Q(kind=Organisation.Kind.COMPANY))
            .distinct()
        )

    def clean_representatives(self):
        lines = self.cleaned_data["representatives"].splitlines()
        if sum(1 for line in lines if line.strip()) > MAX_REPRESENTATIVES:
            raise forms.ValidationError(
                ngettext(
                    "Please name at most %(count)d person; write to the office if more travel.",
                    "Please name at most %(count)d people; write to the office if more travel.",
                    MAX_REPRESENTATIVES,
                )
                % {"count": MAX_REPRESENTATIVES}
            )
        people = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            # A Chinese keyboard types "，": the first comma of either kind separates.
            first_comma = re.sub("[,，]", ",", line, count=1)
            name, _sep, position = (part.strip() for part in first_comma.partition(","))
            if len(name) < 2:
                raise forms.ValidationError(
                    gettext("Line %(line)d: write the name, then a comma and the position.")
                    % {"line": number}
                )
            for text, column in ((name, "full_name"), (position, "position")):
                if len(text) > (length := _length(Person, column)):
                    raise forms.ValidationError(
                        gettext(
                            "Line %(line)d: a name or a position may have at most %(length)d "
                            "characters."
                        )
                        % {"line": number, "length": length}
                    )
            people.append((name, position))
        return people

    def application(self) -> service.Application:
        # Each field of the application has a form field of its name; text comes stripped.
        data = {field.name: self.cleaned_data[field.name] for field in fields(service.Application)}
        data["interests"] = list(data["interests"])
        data["counterparts"] = list(data["counterparts"])
        return service.Application(**data)


def _rate_limited(request) -> bool:
    """At most CRM_REGISTRATIONS_PER_HOUR forms per client address and hour."""
    # The real client behind CRM_TRUSTED_PROXIES, as the login lock-out sees it.
    key = f"trip-registration-posts:{client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > settings.CRM_REGISTRATIONS_PER_HOUR


def _send_confirmation(request, delegation, registration, application) -> bool:
    """Whether the mail server took the mail. The link goes to the address typed, and
    the mail repeats only what was typed: the form must not tell a visitor what the office
    holds about a company."""
    token = service.confirmation_token(registration, email=application.contact_email)
    link = request.build_absolute_uri(
        reverse(
            "partners:delegation-register-confirm",
            kwargs={"slug": delegation.slug, "token": token},
        )
    )
    context = {
        "name": application.contact_name,
        "company": application.company,
        "trip": delegation.title,
        "link": link,
        "days": service.CONFIRMATION_DAYS,
    }
    subject = gettext("Please confirm your registration: %(trip)s") % {"trip": delegation.title}
    body = render_to_string("partners/trips/email_confirm.txt", context)
    return mail.send(subject, body, application.contact_email)


@require_http_methods(["GET", "POST"])
def register(request, slug):
    delegation = published_or_404(Delegation.objects.all(), slug=slug)
    if not service.open_for_registration(delegation):
        # A company late for the closing day is told the day, not that it is "not open".
        closes = delegation.registration_closes_on
        late = delegation.registration_open and closes and closes < timezone.localdate()
        context = {"delegation": delegation, "closed_on": closes if late else None}
        return render(request, "partners/trips/register_closed.html", context)
    form = RegistrationForm(request.POST or None, delegation=delegation)
    status = 200
    # Forms sent back with errors count for nothing: the limit is on what writes records
    # and sends mail.
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request):
            form.add_error(
                None, gettext("Too many registrations from your address. Try again later.")
            )
            status = 429
        elif form.cleaned_data["homepage"]:
            # A bot fills the hidden field: it is answered as if it worked, and nothing stored.
            return HttpResponseRedirect(reverse("partners:delegation-register-sent", args=[slug]))
        else:
            # A company registered before is answered as a new one: same page, same mail.
            application = form.application()
            try:
                registration = service.register(
                    delegation=delegation,
                    application=application,
                    language=translation.get_language(),
                )
            except service.NotACompany as error:
                form.add_error("register_number", error)
            else:
                if _send_confirmation(request, delegation, registration, application):
                    sent = reverse("partners:delegation-register-sent", args=[slug])
                    return HttpResponseRedirect(sent)
                # Stored, but unconfirmed until a mail arrives: the form sent again sends
                # it again (and stores nothing twice).
                context = {"delegation": delegation, "mail_failed": True}
                return render(request, "partners/trips/register_sent.html", context, status=503)
    context = {"delegation": delegation, "form": form}
    return render(request, "partners/trips/register.html", context, status=status)


def register_sent(request, slug):
    delegation = published_or_404(Delegation.objects.all(), slug=slug)
    return render(request, "partners/trips/register_sent.html", {"delegation": delegation})


@require_http_methods(["GET", "POST"])
def register_confirm(request, slug, token):
    """GET shows a button (mail scanners follow links); POST confirms. The page looks the
    same whether or not the link may confirm (it must have gone to the contact's address),
    except to the contact: a registration declined or withdrawn is not confirmed."""
    delegation = published_or_404(Delegation.objects.all(), slug=slug)
    confirmation = service.confirmation_from_token(token, delegation)
    template = "partners/trips/register_confirm.html"
    if confirmation is None:
        return render(request, template, {"delegation": delegation, "invalid": True}, status=400)
    confirmed = request.method == "POST"
    status = confirmed and service.confirm(confirmation)
    closed = status in (TripRegistration.Status.DECLINED, TripRegistration.Status.WITHDRAWN)
    context = {"delegation": delegation, "confirmed": confirmed, "closed": closed}
    return render(request, template, context)
