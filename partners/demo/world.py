"""A realistic, deterministic demo world of any size, written with bulk inserts.

Scale 1 is about 10,000 records; scale 100 about a million, in the proportions of issue 7
(500 cities, 50,000 organisations, 100,000 people, 20,000 delegations, 300,000 meetings,
100,000 company profiles, 300,000 handovers, 10,000 memoranda, 100,000 follow-ups).
A company profile belongs to exactly one company, so the 100,000 companies of the
profiles come on top of the 50,000 other organisations.

bulk_create skips save() and signals: no history rows are written for demo data, slugs
are computed here, and every database constraint is respected by construction.
"""

import datetime
import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, reset_queries
from django.utils import timezone
from django.utils.text import slugify

from .. import models as m
from ..models.base import german_slug
from . import names

BATCH = 5000
FIRST_DAY = datetime.date(2005, 1, 1)
DAYS = 22 * 365  # up to the end of 2026


@dataclass(frozen=True)
class Sizes:
    cities: int
    organisations: int
    people: int
    delegations: int
    meetings: int
    profiles: int
    handovers: int
    memoranda: int
    follow_ups: int
    users: int
    opportunities: int

    @classmethod
    def for_scale(cls, scale: float) -> "Sizes":
        def n(per_unit: int, minimum: int = 1) -> int:
            return max(minimum, round(per_unit * scale))

        return cls(
            cities=n(5, 4),
            organisations=n(500, 10),
            people=n(1000, 10),
            delegations=n(200, 2),
            meetings=n(3000, 3),
            profiles=n(1000, 3),
            handovers=n(3000, 3),
            memoranda=n(100, 2),
            follow_ups=n(1000, 3),
            users=n(3, 2),
            opportunities=n(100, 7),  # at least one per stage
        )


class Slugs:
    """Unique slugs for one model, avoiding those already in the database."""

    def __init__(self, model: type[models.Model]):
        self.used = set(model.objects.values_list("slug", flat=True))
        # The next suffix to try per base, so the 15th "Müller Logistik GmbH" does not
        # walk through -2 … -14 again.
        self.next_suffix: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        slug = base = german_slug(text)[:70].strip("-") or "item"
        n = self.next_suffix.get(base, 2)
        while slug in self.used:
            slug = f"{base}-{n}"
            n += 1
        self.next_suffix[base] = n
        self.used.add(slug)
        return slug


class World:
    """Builds the world step by step; each step uses what the earlier ones made."""

    def __init__(self, *, scale: float, seed: int, log: Callable[[str], None] = print):
        self.sizes = Sizes.for_scale(scale)
        self.random = random.Random(seed)
        self.log = log
        self.counts: dict[str, int] = {}

    def day(self, span: int = DAYS) -> datetime.date:
        return FIRST_DAY + datetime.timedelta(days=self.random.randrange(span))

    def past_day(self) -> datetime.date:
        """A day for what has happened (a consent given): never after today."""
        return min(self.day(), timezone.localdate())

    def pick(self, ids, low: int, high: int) -> list:
        """Between ``low`` and ``high`` of ``ids``, all different."""
        return self.random.sample(ids, min(len(ids), self.random.randint(low, high)))

    def weighted(self, weights: dict):
        """One of the keys of ``weights``, drawn by their values."""
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def visibility(self, public_share: float) -> str:
        public = self.random.random() < public_share
        return m.Visibility.PUBLIC if public else m.Visibility.INTERNAL

    def build(self) -> dict[str, int]:
        for step in (
            self.users,
            self.cities,
            self.organisations,
            self.people,
            self.profiles,
            self.delegations,
            self.meetings,
            self.handovers,
            self.memoranda,
            self.follow_ups,
            self.opportunities,
        ):
            step()
        return self.counts

    def insert(self, model, objects: Iterable, name: str = "", *, after: Callable | None = None):
        """bulk_create ``objects`` in batches, count them under ``name`` and return their pks;
        ``after`` sees each saved batch. Only pks are kept, so a million rows never sit in
        memory as objects."""
        if name:
            self.counts.setdefault(name, 0)  # listed even when there is nothing to insert
        pks = []
        for batch in itertools.batched(objects, BATCH):
            created = model.objects.bulk_create(batch, batch_size=BATCH)
            if name:
                self.counts[name] += len(created)
                self.log(f"{name}: {self.counts[name]}")
            if after:
                after(created)
            pks.extend(obj.pk for obj in created)
            # With DEBUG on, Django keeps the last 9,000 statements; bulk inserts are big.
            reset_queries()
        return pks

    # --- people who use the CRM, and places -------------------------------------------

    def users(self):
        User = get_user_model()
        self.user_ids = self.insert(
            User,
            (
                User(username=f"demo-data-officer-{i}", is_staff=True, password="!")
                for i in range(1, self.sizes.users + 1)
            ),
            "users",
        )

    def cities(self):
        existing = set(m.City.objects.values_list("name", "country"))
        slugs = Slugs(m.City)
        homes = [
            (name, region) for name, region in names.HOME_CITIES if (name, "DE") not in existing
        ]
        homes = homes[: max(1, self.sizes.cities // 25)]
        combos = [(a, b) for a in names.SYLLABLES for b in names.SYLLABLES if a != b]
        self.random.shuffle(combos)
        partners = []
        for (p1, h1), (p2, h2) in combos:
            if len(partners) + len(homes) >= self.sizes.cities:
                break
            name = (p1 + p2).capitalize()
            # "ji"+"nan" and "jin"+"an" are both Jinan: names must stay unique per country.
            if (name, "CN") not in existing:
                existing.add((name, "CN"))
                partners.append((name, h1 + h2 + "市"))
        self.city_names = {}

        def remember(batch):
            self.city_names.update((city.pk, city.name) for city in batch)

        self.home_city_ids = self.insert(
            m.City,
            (self.home_city(name, region, slugs) for name, region in homes),
            "cities",
            after=remember,
        )
        self.partner_city_ids = self.insert(
            m.City,
            (self.partner_city(name, local, slugs) for name, local in partners),
            "cities",
            after=remember,
        )
        self.city_ids = self.home_city_ids + self.partner_city_ids
        kinds = list(m.Partnership.Kind)[:3]
        self.partnership_ids = self.insert(
            m.Partnership,
            (
                m.Partnership(
                    home_city_id=self.random.choice(self.home_city_ids),
                    partner_city_id=city_id,
                    kind=self.random.choice(kinds),
                    established_year=self.random.randrange(1980, 2024),
                    visibility=self.visibility(0.8),
                )
                for city_id in self.partner_city_ids
            ),
            "partnerships",
        )

    def home_city(self, name, region, slugs):
        return m.City(
            name=name, slug=slugs(name), country="DE", region=region, is_home=True,
            population=self.random.randrange(30_000, 700_000), population_year=2023,
            latitude=round(self.random.uniform(50.2, 54.2), 4),
            longitude=round(self.random.uniform(10.0, 15.0), 4),
            visibility=m.Visibility.PUBLIC,
        )  # fmt: skip

    def partner_city(self, name, local_name, slugs):
        return m.City(
            name=name, local_name=local_name, slug=slugs(name), country="CN",
            region=self.random.choice(names.PROVINCES),
            population=self.random.randrange(300_000, 12_000_000), population_year=2020,
            latitude=round(self.random.uniform(22.0, 41.0), 4),
            longitude=round(self.random.uniform(102.0, 122.0), 4),
            visibility=self.visibility(0.7),
        )  # fmt: skip

    # --- organisations and people -----------------------------------------------------

    def organisations(self):
        slugs = Slugs(m.Organisation)
        taken = set(
            m.Organisation.objects.exclude(register_number="").values_list(
                "register_number", flat=True
            )
        )
        numbers = (f"HRB {900_000 + i}" for i in itertools.count())
        self.register_numbers = (number for number in numbers if number not in taken)
        self.home_institution_ids, self.partner_institution_ids = [], []
        home_cities = set(self.home_city_ids)

        def sort(batch):
            for org in batch:
                home = org.city_id in home_cities
                (self.home_institution_ids if home else self.partner_institution_ids).append(org.pk)

        self.institution_ids = self.insert(
            m.Organisation,
            (self.institution(i, slugs) for i in range(self.sizes.organisations)),
            "organisations",
            after=sort,
        )
        self.company_names = {}
        self.company_ids = self.insert(
            m.Organisation,
            (self.company(i, slugs) for i in range(self.sizes.profiles)),
            "organisations",
            after=lambda batch: self.company_names.update((o.pk, o.name) for o in batch),
        )

    def institution(self, i, slugs):
        home = self.random.random() < 0.4
        city_id = self.random.choice(self.home_city_ids if home else self.partner_city_ids)
        kind, pattern, short = self.random.choice(
            names.HOME_ORGANISATIONS if home else names.PARTNER_ORGANISATIONS
        )
        name = pattern.format(city=self.city_names[city_id])
        return m.Organisation(
            name=name, short_name=short, slug=slugs(name), kind=kind, city_id=city_id,
            name_key=m.normalise_company_name(name),
            website=f"https://www.{slugify(name)[:50]}-{i}.example",
            visibility=self.visibility(0.6),
        )  # fmt: skip

    def company(self, i, slugs):
        name = " ".join(
            self.random.choice(words)
            for words in (names.SURNAMES_DE, names.TRADES, names.LEGAL_FORMS)
        )
        domain = f"{slugify(name)[:40]}-{i}.example"
        return m.Organisation(
            name=name, slug=slugs(name), kind=m.Organisation.Kind.COMPANY,
            name_key=m.normalise_company_name(name),
            city_id=self.random.choice(self.home_city_ids),
            register_number=next(self.register_numbers), website=f"https://{domain}",
            email=f"info@{domain}", phone=f"+49 341 {self.random.randrange(100000, 999999)}",
            visibility=self.visibility(0.5),
        )  # fmt: skip

    def people(self):
        self.people_of = defaultdict(list)
        self.positions = {}
        partner_set = set(self.partner_institution_ids)

        def remember(batch):
            for person in batch:
                self.people_of[person.organisation_id].append(person.pk)
                self.positions[person.pk] = person.position

        self.person_ids = self.insert(
            m.Person,
            (self.person(i, partner_set) for i in range(self.sizes.people)),
            "people",
            after=remember,
        )

    def person(self, i, partner_set):
        at_company = self.random.random() < 0.5
        organisation_id = self.random.choice(
            self.company_ids if at_company else self.institution_ids
        )
        if organisation_id in partner_set:
            family, family_cn = self.random.choice(names.SURNAMES_CN)
            given, given_cn = self.random.choice(names.GIVEN_CN)
            full, local = f"{family} {given}", family_cn + given_cn
            position = self.random.choice(names.POSITIONS_CN)
        else:
            family = self.random.choice(names.SURNAMES_DE)
            full, local = f"{self.random.choice(names.GIVEN_DE)} {family}", ""
            position = self.random.choice(names.POSITIONS_DE)
        basis = self.random.choice(list(m.Person.LawfulBasis))
        return m.Person(
            full_name=full, local_name=local, organisation_id=organisation_id,
            position=position, email=f"{slugify(full)}.{i}@example.org",
            phone=f"+49 341 {self.random.randrange(100000, 999999)}", lawful_basis=basis,
            consent_given_on=self.past_day() if basis == m.Person.LawfulBasis.CONSENT else None,
            # Only office holders are ever named publicly (DESIGN.md).
            visibility=self.visibility(0.6 if basis == m.Person.LawfulBasis.PUBLIC_OFFICE else 0),
        )  # fmt: skip

    # --- company profiles -------------------------------------------------------------

    def profiles(self):
        slugs = Slugs(m.CompanyProfile)
        sector_ids = list(m.Sector.objects.values_list("pk", flat=True))
        interest_ids = list(m.Interest.objects.values_list("pk", flat=True))
        self.shareable_profile_ids = []
        links = {"interests": [], "target_cities": []}

        def remember(batch):
            for profile in batch:
                if profile.consent_to_share:
                    self.shareable_profile_ids.append(profile.pk)
                links["interests"] += [
                    {"companyprofile_id": profile.pk, "interest_id": interest_id}
                    for interest_id in self.pick(interest_ids, 1, 2)
                ]
                links["target_cities"] += [
                    {"companyprofile_id": profile.pk, "city_id": city_id}
                    for city_id in self.pick(self.partner_city_ids, 0, 2)
                ]

        self.insert(
            m.CompanyProfile,
            (self.profile(org_id, slugs, sector_ids) for org_id in self.company_ids),
            "profiles",
            after=remember,
        )
        # Kept as small dicts until the profiles are written: objects only batch by batch.
        for field, rows in links.items():
            through = getattr(m.CompanyProfile, field).through
            self.insert(through, (through(**row) for row in rows), f"profile {field}")

    def profile(self, organisation_id, slugs, sector_ids):
        consent = self.random.random() < 0.7
        contacts = self.people_of.get(organisation_id)
        return m.CompanyProfile(
            organisation_id=organisation_id, slug=slugs(self.company_names[organisation_id]),
            sector_id=self.random.choice(sector_ids),
            employees=self.random.choice([8, 25, 60, 120, 250, 800, 2400]),
            founded_year=self.random.randrange(1890, 2024),
            products=self.random.choice(names.PRODUCTS),
            summary="Mittelständisches Unternehmen aus der Region, offen für Partner in China.",
            contact_id=self.random.choice(contacts) if contacts else None,
            status=self.random.choice(list(m.CompanyProfile.Status)),
            consent_to_share=consent, consent_given_on=self.past_day() if consent else None,
            # Public only with consent (constraint companyprofile_public_needs_consent).
            visibility=self.visibility(0.6) if consent else m.Visibility.INTERNAL,
        )  # fmt: skip
