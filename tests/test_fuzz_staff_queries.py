"""Random query strings against every staff page: 400 or 404 for bad values, never a 500.

The staff twin of test_fuzz_public_queries.py (whose generated values it reuses). Every
admin page of every registered model (list, add, change, history) gets the parameters it
reads: the list's filter parameters as its own sidebar links them, the search, ordering
and page parameters, and the model's field names (the add form takes initial values from
them); the report, the autocomplete and the GDPR pages get theirs. Examples per page are
few, so that the whole run stays within a CI step; the named cases of issue 11 are also
checked one by one below.
"""

import datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.reports.filters import ReportFilter

from . import factories as f
from .backoffice import client_for, make_record, registered_admins
from .test_fuzz_public_queries import NASTY_TEXT, VALUES

# Examples per kind of admin page, spread over every model; per other page.
EXAMPLES_PER_KIND = 50
EXAMPLES_PER_PAGE = 10
ADMIN_PARAMETERS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters"]
ADMIN_KINDS = ["changelist", "add", "change", "history"]


class _FilterLinks(HTMLParser):
    """The parameter names of the links in a changelist's filter sidebar."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("?"):
            self.names |= {name for name, _value in parse_qsl(urlsplit(href).query)}


@pytest.fixture
def staff(db):
    return client_for(get_user_model().objects.create_superuser("root", "root@example.org", "x"))


def _query(names):
    keys = st.one_of(st.sampled_from(sorted(names)), st.sampled_from(sorted(names)), NASTY_TEXT)
    return st.lists(st.tuples(keys, VALUES), min_size=1, max_size=6)


def _get(client, url, query):
    # The test client re-raises a view's exception, so a crash fails here too.
    response = client.get(f"{url}?{urlencode(query)}")
    assert response.status_code < 500, (url, query)


def fuzz(client, url, names, examples=EXAMPLES_PER_PAGE):
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=_query(names))
    def check(query):
        _get(client, url, query)

    check()


def _admin_pages(client, kind):
    """(URL, parameter names) of this kind of page for every registered model."""
    pages = []
    for model, _admin in registered_admins():
        record = make_record(model)
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        args = [record.pk] if kind in ("change", "history") else []
        url = reverse(f"admin:{info}_{kind}", args=args)
        names = set(ADMIN_PARAMETERS) | {field.name for field in model._meta.get_fields()}
        if kind == "changelist":
            links = _FilterLinks()
            links.feed(client.get(url).content.decode())
            names |= links.names
        pages.append((url, sorted(names)))
    return pages


@pytest.mark.parametrize("kind", ADMIN_KINDS)
def test_no_query_string_makes_an_admin_page_fail(staff, kind):
    pages = _admin_pages(staff, kind)

    @settings(
        max_examples=EXAMPLES_PER_KIND,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def check(data):
        url, names = data.draw(st.sampled_from(pages), label="page")
        _get(staff, url, data.draw(_query(names), label="query"))

    check()


def test_no_query_string_makes_the_report_fail(staff):
    f.PartnershipFactory()
    names = set(ReportFilter.base_filters) | {"format", "sheet", "lang"}
    fuzz(staff, reverse("reports"), names)


def test_no_query_string_makes_the_autocomplete_fail(staff):
    f.MeetingFactory()
    base = "app_label=partners&model_name=meeting&field_name=attendees"
    fuzz(staff, f"{reverse('admin:autocomplete')}", {"term", "page", "app_label", "field_name"})
    # With a valid field, so that the term reaches the search.
    fuzz(staff, f"{reverse('admin:autocomplete')}?{base}&x=", {"term", "page"})


@pytest.mark.parametrize("page", ["export", "json", "erase"])
def test_no_query_string_makes_a_gdpr_page_fail(staff, page):
    person = f.PersonFactory()
    fuzz(staff, reverse(f"admin:partners_person_gdpr_{page}", args=[person.pk]), {"format"})


# The cases issue 11 names, each with the answer it gets.
NAMED_CASES = [
    ("/reports/?date_from=0001-01-01", 400),
    ("/reports/?date_to=9999-12-31", 400),
    ("/reports/?date_from=9999-12-31&date_to=9999-12-31&format=xlsx", 400),
    ("/reports/?year=10000", 400),
    ("/admin/partners/delegation/?year=0", 400),
    ("/admin/partners/delegation/?year=10000", 400),
    ("/admin/partners/delegation/?year=%D9%A2%D9%A0%D9%A1%D9%A9", 400),
    ("/admin/partners/person/abc/gdpr/export/", 404),
    ("/admin/partners/person/abc/gdpr/export.json", 404),
    ("/admin/partners/person/abc/gdpr/erase/", 404),
    ("/admin/partners/person/abc/history/", 404),
    ("/admin/partners/person/abc/history/1/", 404),
    ("/admin/partners/person/{person}/history/abc/", 404),
    (
        "/admin/autocomplete/?term=a%00b&app_label=partners&model_name=meeting"
        "&field_name=attendees",
        400,
    ),
    ("/admin/partners/person/?q=%00", 400),
]


@pytest.mark.parametrize(("url", "status"), NAMED_CASES)
def test_a_bad_typed_parameter_is_a_client_error(staff, url, status):
    person = f.PersonFactory()
    f.DelegationFactory()
    f.MeetingFactory()
    assert staff.get(url.format(person=person.pk)).status_code == status


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/partners/meetingslot/add/?starts_at=0", 400),
        ("/admin/partners/meetingslot/add/?starts_at=2027-06-26+10:00", 200),
        ("/admin/partners/delegation/add/?start_date=tomorrow", 400),
        ("/admin/auth/user/{user}/change/?_to_field=", 400),
        ("/admin/partners/companyprofile/add/?interests=:", 400),
        ("/admin/partners/companyprofile/add/?interests=1,x", 400),
    ],
)
def test_values_found_by_the_fuzzer_are_refused_by_name(staff, url, status):
    user = get_user_model().objects.get()
    response = staff.get(url.format(user=user.pk))

    assert response.status_code == status
    if status == 200:
        assert 'value="2027-06-26"' in response.text


@pytest.mark.parametrize(
    ("url", "named"),
    [
        # A parameter no filter of the list reads: the export built the list and failed.
        ("/admin/partners/tripregistration/export/?city=", "city=''"),
        ("/admin/partners/meetingslot/export/?city=&format=1", "city=''"),
        ("/admin/partners/tripregistration/?city=", "city=''"),
        ("/admin/partners/meeting/?starts_at__gte=abc", "starts_at__gte='abc'"),
        ("/admin/auth/user/?nickname=x", "nickname='x'"),
        # Refused before, but the page did not say why.
        ("/admin/partners/delegation/?year=0", "year: '0' is not a year"),
        ("/admin/partners/delegation/add/?lead_organisation=abc", "lead_organisation: 'abc'"),
        ("/admin/partners/person/?q=%00", "'q' contains a NUL byte"),
        # Beyond the column: SQLite could not bind it, PostgreSQL found nothing.
        ("/admin/partners/followup/?owner=99999999999999999999", "owner='9999999"),
        ("/admin/partners/meeting/?city__id__exact=99999999999999999999", "city__id__exact="),
        ("/admin/partners/organisation/?city__id__in=1,99999999999999999999", "city__id__in="),
        # Dates the forms refuse: the drill-down's end of 9999 overflowed, year 1 in UTC too.
        ("/admin/partners/delegation/?start_date__year=9999", "start_date__year='9999'"),
        ("/admin/partners/delegation/export/?start_date__year=9999", "start_date__year="),
        ("/admin/partners/job/?created_at__year=1", "created_at__year='1'"),
        ("/admin/partners/meeting/?starts_at__gte=0001-01-01", "starts_at__gte='0001-01-01'"),
        ("/admin/partners/memorandum/?signed_on__year__gte=99999", "signed_on__year__gte="),
        # A pasted page of text: a thousand words broke SQLite's query depth (after half a
        # minute), a word of 50,000 bytes its LIKE; Django's own search (import log) too.
        ("/admin/partners/person/?q=" + "Leipzig+" * 1000, "at most 20 words"),
        ("/admin/partners/importrun/?q=" + "x" * 50_001, "300 characters"),
        ("/admin/partners/organisation/export/?q=" + "GmbH+" * 21, "at most 20 words"),
        (
            "/admin/autocomplete/?app_label=partners&model_name=meeting&field_name=attendees"
            "&term=" + "x" * 301,
            "300 characters",
        ),
    ],
)
def test_the_answer_to_a_bad_parameter_names_it(staff, url, named):
    f.TripRegistrationFactory()
    f.MeetingSlotFactory()

    response = staff.get(url)

    assert response.status_code == 400
    assert named in unescape(response.text)


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/admin/partners/delegation/?year=0", "year：'0' 不是有效年份"),
        ("/admin/partners/delegation/add/?lead_organisation=abc", "'abc' 不是有效的 ID"),
        ("/admin/partners/person/?q=%00", "参数 'q' 含有 NUL 字节。"),
        ("/admin/partners/meeting/?_to_field=", "参数 '_to_field' 为空"),
        ("/admin/partners/followup/?owner=99999999999999999999", "此列表无法按 owner='999"),
    ],
)
def test_a_bad_parameter_is_named_in_the_readers_language(staff, url, named):
    f.DelegationFactory(start_date=datetime.date(2019, 6, 25))  # the year filter shows
    response = staff.get(url, headers={"accept-language": "zh-hans"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")  # the site's 400 page
    assert "<h1>请求无效</h1>" in response.text
    assert named in unescape(response.text)


def test_a_bad_parameter_in_the_back_office_answers_in_the_back_offices_layout(staff):
    f.DelegationFactory(start_date=datetime.date(2019, 6, 25))  # the year filter shows
    response = staff.get("/admin/partners/delegation/?year=0")
    assert response.status_code == 400
    assert '<ol class="breadcrumbs">' in response.text
    assert 'href="/admin/partners/delegation/"' in response.text  # the list without the values
    assert "/de/delegations/" not in response.text  # not the public site's navigation
