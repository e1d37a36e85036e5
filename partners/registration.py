"""A company registers for a delegation trip: one atomic write of new records only.

Nothing written here is public: organisations, people and profiles are created internal,
and a registration is never shown on the public site. The form is anonymous, so it never
changes what the office already holds: a known company, person, profile or registration is
used as it is, and the visitor is answered the same way whether the company is known or not.
"""

from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname, get_translation_fields

from .dates import last_day
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
from .models.organisations import REGISTER_KEY, normalise_company_name, normalise_register

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


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation link carries: the registration, and a keyed digest of the
    address the visitor typed, so that the address stays out of URLs and server logs."""

    registration_pk: int
    email_digest: str


def open_for_registration(delegation: Delegation, today=None) -> bool:
    """Whether companies may register: the office opened it, its closing day has not
    passed, and the trip still lies ahead. A trip cancelled, completed or gone has no
    place to offer, whatever was left ticked."""
    today = today or timezone.localdate()
    closes = delegation.registration_closes_on
    over = delegation.status in (Delegation.Status.CANCELLED, Delegation.Status.COMPLETED)
    if start := delegation.start_date:  # "March 2027" goes until its month is over
        over = over or last_day(start, delegation.date_precision) < today
    return delegation.registration_open and not over and (closes is None or closes >= today)


def _typed(field_name: str, text: str, language: str) -> dict:
    """The columns a text typed into a translated field goes to: German, the source, and
    the page's language, so that neither German staff nor the page's readers see a blank."""
    if not text:
        return {}
    columns = {
        build_localized_fieldname(field_name, DEFAULT_LANGUAGE),
        build_localized_fieldname(field_name, language),
    }
    return dict.fromkeys(columns, text)


class NotACompany(ValidationError):
    """The register number typed is an organisation's that is not a company."""

    def __init__(self):
        super().__init__(
            _(
                "This register number belongs to an organisation that is not a company. "
                "Please check it, or write to the office."
            ),
            code="not_a_company",
        )


def _known_company(application: Application) -> Organisation | None:
    """The company by register number, written with or without spaces as the import
    matches it, else by its name in any language (the ORM would compare the page's
    language only, empty for most companies). Locked, so that two forms for one company
    cannot both register it."""
    organisations = Organisation.objects.select_for_update().order_by("pk")
    if application.register_number:
        found = (
            organisations.alias(key=REGISTER_KEY)
            .filter(key=normalise_register(application.register_number))
            .first()
        )
        if found is not None and found.kind != Organisation.Kind.COMPANY:
            raise NotACompany
        if found is not None:
            return found
    companies = organisations.filter(kind=Organisation.Kind.COMPANY)
    # As the import matches names: "Muster  GmbH & Co. KG" is "Muster GmbH u. Co. KG".
    same_name = Q(name_key=normalise_company_name(application.company))
    for column in get_translation_fields("name"):
        same_name |= Q(**{f"{column}__iexact": application.company})
    return companies.filter(same_name).first()


def _new_company(application: Application, language: str) -> Organisation:
    return Organisation.objects.create(
        **_typed("name", application.company, language),
        kind=Organisation.Kind.COMPANY,
        register_number=application.register_number,
        website=application.website,
        city=City.objects.filter(is_home=True).order_by("pk").first(),
    )


def _new_person(organisation, name, position, language, *, email="", phone="") -> Person:
    return Person.objects.create(
        organisation=organisation,
        full_name=name,
        **_typed("position", position, language),
        email=email,
        phone=phone,
        lawful_basis=Person.LawfulBasis.CONSENT,
        consent_given_on=timezone.localdate(),
    )


def _contact(organisation, application: Application, language: str) -> Person:
    """The company's person with the typed address, as stored; else a new person. A name
    alone proves nothing: whoever types it must not take over that person's record."""
    people = organisation.people.order_by("pk")
    return people.filter(email__iexact=application.contact_email).first() or _new_person(
        organisation,
        application.contact_name,
        application.contact_position,
        language,
        email=application.contact_email,
        phone=application.contact_phone,
    )


def _representative(organisation, name: str, position: str, language: str) -> Person:
    """The company's person of that name, as stored; else a new person."""
    found = organisation.people.filter(full_name__iexact=name).order_by("pk").first()
    return found or _new_person(organisation, name, position, language)


def _profile(organisation, application: Application, language: str) -> CompanyProfile:
    """The company's profile as stored; else a new draft from the form."""
    profile = CompanyProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        consent = application.consent_to_share
        profile = CompanyProfile.objects.create(
            organisation=organisation,
            sector=application.sector,
            **_typed("products", application.products, language),
            consent_to_share=consent,
            consent_given_on=timezone.localdate() if consent else None,
        )
        profile.interests.set(application.interests)
    return profile


@transaction.atomic
def register(*, delegation: Delegation, application: Application, language: str):
    """The registration (``applied``) of the company, with what it needs that does not
    exist yet: the company, its contact and representatives, a draft profile, one meeting
    request per wished counterpart. A registration the company already has is returned
    as it is; a form from another address is only noted on it for the officers."""
    # One form of a trip at a time: the company row locked below exists only once the
    # first of two forms for a new company has written it (PostgreSQL; SQLite writes one
    # transaction at a time anyway).
    Delegation.objects.select_for_update().only("pk").get(pk=delegation.pk)
    organisation = _known_company(application)
    if organisation is None:
        organisation = _new_company(application, language)
    else:
        existing = TripRegistration.objects.filter(delegation=delegation, organisation=organisation)
        if registration := existing.select_related("contact").first():
            _note_other_application(registration, application)
            return registration
    contact = _contact(organisation, application, language)
    representatives = [
        _representative(organisation, name, position, language)
        for name, position in application.representatives
    ]
    registration = TripRegistration.objects.create(
        delegation=delegation,
        organisation=organisation,
        contact=contact,
        profile=_profile(organisation, application, language),
        language=language,
        wishes=application.wishes,
    )
    registration.representatives.add(contact, *representatives)
    for counterpart in application.counterparts:  # one by one: each gets its history row
        MeetingRequest.objects.create(
            delegation=delegation, registration=registration, counterpart=counterpart
        )
    return registration


def _note_other_application(registration, application: Application) -> None:
    """A form for a registered company from another address: someone may have registered
    the company in its name first. Kept for the officers; the registration is unchanged."""
    contact = registration.contact
    if contact is not None and contact.email.lower() == application.contact_email.lower():
        return
    line = (
        f"{timezone.localdate():%Y-%m-%d} {application.contact_name} <{application.contact_email}>"
    )
    if application.contact_phone:
        line += f" {application.contact_phone}"
    registration.other_applications = "\n".join(
        filter(None, [registration.other_applications, line])
    )
    registration.save(update_fields=["other_applications"])


def _reference(pk: int) -> str:
    """The registration as its link names it. A signed token can be read by whoever gets
    it, and a pk would tell an old registration from a new one (the form's oracle)."""
    return salted_hmac(CONFIRMATION_SALT, str(pk), algorithm="sha256").hexdigest()[:20]


def _digest(email: str) -> str:
    return salted_hmac(CONFIRMATION_SALT, email.lower(), algorithm="sha256").hexdigest()[:32]


def confirmation_token(registration: TripRegistration, *, email: str) -> str:
    data = {"registration": _reference(registration.pk), "email_digest": _digest(email)}
    return signing.dumps(data, salt=CONFIRMATION_SALT)


def confirmation_from_token(token: str, delegation: Delegation) -> Confirmation | None:
    """The confirmation a link of the trip carries; None when forged, expired, of another
    trip or of the first format (a bare pk, which carried no address). Links that carried
    the address itself, sent before the digest, keep working until they expire."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    digest = data.get("email_digest") or _digest(data.get("email", ""))
    for pk in delegation.registrations.order_by().values_list("pk", flat=True):  # a few
        if constant_time_compare(_reference(pk), data.get("registration", "")):
            return Confirmation(pk, email_digest=digest)
    return None


def confirm(confirmation: Confirmation) -> str | None:
    """The e-mail was opened: ``applied`` becomes ``confirmed`` (once), if the link went
    to the registration's contact; then the registration's status, which only the
    contact may learn. A link sent to any other address changes nothing: None."""
    registration = TripRegistration.objects.filter(pk=confirmation.registration_pk)
    email = registration.values_list("contact__email", flat=True).first()
    if not (email and constant_time_compare(_digest(email), confirmation.email_digest)):
        return None
    registration.filter(status=TripRegistration.Status.APPLIED).update(
        status=TripRegistration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        version=F("version") + 1,  # an officer's open form must not undo it
    )
    return registration.values_list("status", flat=True).get()
