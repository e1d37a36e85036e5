"""``published()`` lets through exactly the public records of each public model."""

import pytest

from partners import models as m
from tests import factories as f

PUBLIC_MODELS = [
    (m.City, f.CityFactory),
    (m.Partnership, f.PartnershipFactory),
    (m.Organisation, f.OrganisationFactory),
    (m.Person, f.PersonFactory),
    (m.Delegation, f.DelegationFactory),
    (m.Meeting, f.MeetingFactory),
    (m.CompanyProfile, f.CompanyProfileFactory),
    (m.Memorandum, f.MemorandumFactory),
    (m.FollowUp, f.FollowUpFactory),
    (m.Photo, f.PhotoFactory),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "factory"), PUBLIC_MODELS, ids=lambda v: v.__name__)
def test_published_returns_only_the_public_records(model, factory):
    public = factory(visibility=m.Visibility.PUBLIC)
    internal = factory(visibility=m.Visibility.INTERNAL)

    published = list(model.objects.published())

    assert public in published
    assert internal not in published
    assert public.is_published and not internal.is_published


@pytest.mark.parametrize(("model", "factory"), PUBLIC_MODELS, ids=lambda v: v.__name__)
def test_a_new_record_is_internal_until_someone_publishes_it(model, factory):
    field = model._meta.get_field("visibility")
    assert field.default == m.Visibility.INTERNAL
