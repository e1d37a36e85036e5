"""A company registers for a delegation trip: one atomic write across the records it needs.

Nothing written here is public: organisations, people and profiles are created internal,
and a registration is never shown on the public site.
"""

from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import (
    City,
    CompanyProfile,
    Delegation,
    Interest,
    MeetingRequest,
    Organisation,
    Person,
    Sector,
    TripRegistration,
)

CONFIRMATION_SALT = "partners.trip-registration"
CONFIRMATION_DAYS = 14


@dataclass
class Application:
    company: str
    contact_name: str
    contact_email: str
    register_number: str = ""
    website: str = ""
    contact_position: str = ""
    contact_phone: str = ""
    representatives: list[tuple[str, str]] = field(default_factory=list)  # (name, position)
    sector: Sector | None = None
    interests: list[Interest] = field(default_factory=list)
    products: str = ""
    counterparts: list[Organisation] = field(default_factory=list)
    wishes: str = ""
    consent_to_share: bool = False


def open_for_registration(delegation: Delegation, today=None) -> bool:
    today = today or timezone.localdate()
    closes = delegation.registration_closes_on
    return delegation.registration_open and (closes is None or closes >= today)


def _organisation(application: Application) -> Organisation:
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    found = None
    if application.register_number:
        found = companies.filter(register_number=application.register_number).first()
    if found is None:
        found = companies.filter(name__iexact=application.company).first()
    if found is None:
        found = Organisation.objects.create(
            name=application.company,
            kind=Organisation.Kind.COMPANY,
            register_number=application.register_number,
            website=application.website,
            city=City.objects.filter(is_home=True).order_by("pk").first(),
        )
    elif application.website and not found.website:
        found.website = application.website
        found.save()
    return found


def _person(organisation, name, *, position="", email="", phone="") -> Person:
    people = Person.objects.filter(organisation=organisation)
    person = (people.filter(email__iexact=email).first() if email else None) or people.filter(
        full_name__iexact=name
    ).first()
    if person is None:
        person = Person(organisation=organisation, full_name=name)
    person.position = position or person.position
    person.email = email or person.email
    person.phone = phone or person.phone
    person.lawful_basis = Person.LawfulBasis.CONSENT
    person.consent_given_on = person.consent_given_on or timezone.localdate()
    person.save()
    return person


def _profile(organisation, application: Application) -> CompanyProfile:
    """The company's profile; only a draft is updated from the form."""
    profile, created = CompanyProfile.objects.get_or_create(organisation=organisation)
    if created or profile.status == CompanyProfile.Status.DRAFT:
        profile.sector = application.sector or profile.sector
        profile.products = application.products or profile.products
        if application.consent_to_share and not profile.consent_to_share:
            profile.consent_to_share = True
            profile.consent_given_on = timezone.localdate()
        profile.save()
        if application.interests:
            profile.interests.add(*application.interests)
    return profile


@transaction.atomic
def register(*, delegation: Delegation, application: Application, language: str):
    """Create or update the company, its contact, representatives, draft profile, the
    registration (``applied``) and one meeting request per wished counterpart."""
    organisation = _organisation(application)
    contact = _person(
        organisation,
        application.contact_name,
        position=application.contact_position,
        email=application.contact_email,
        phone=application.contact_phone,
    )
    representatives = [
        _person(organisation, name, position=position)
        for name, position in application.representatives
    ]
    profile = _profile(organisation, application)
    registration, created = TripRegistration.objects.get_or_create(
        delegation=delegation,
        organisation=organisation,
        defaults={"contact": contact, "profile": profile, "language": language},
    )
    if not created:
        registration.contact, registration.profile = contact, profile
        registration.language = language
        if registration.status == TripRegistration.Status.WITHDRAWN:
            registration.status = TripRegistration.Status.APPLIED
    registration.wishes = application.wishes
    registration.save()
    registration.representatives.add(contact, *representatives)
    for counterpart in application.counterparts:
        MeetingRequest.objects.get_or_create(
            registration=registration, counterpart=counterpart, defaults={"delegation": delegation}
        )
    return registration


def confirmation_token(registration: TripRegistration) -> str:
    return signing.dumps(registration.pk, salt=CONFIRMATION_SALT)


def registration_from_token(token: str) -> TripRegistration | None:
    try:
        pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    return TripRegistration.objects.select_related("delegation").filter(pk=pk).first()


def confirm(registration: TripRegistration) -> bool:
    """The e-mail was opened: ``applied`` becomes ``confirmed`` (once)."""
    updated = TripRegistration.objects.filter(
        pk=registration.pk, status=TripRegistration.Status.APPLIED
    ).update(
        status=TripRegistration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        version=F("version") + 1,  # an officer's open form must not undo it
    )
    return bool(updated)
