"""Random query strings against every public page: never a server error.

Hypothesis generates parameters with the names the public filters use and with random
names, and values with control characters, NUL bytes, right-to-left and CJK text, huge
numbers and near-valid dates. Pages are listed by URL name; add each new public page to
PUBLIC_PAGES (pages whose template does not exist yet on this branch are skipped).
"""

from urllib.parse import urlencode

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f

# (URL name, which published record's slug it needs, template the page renders)
PUBLIC_PAGES = [
    ("healthz", None, None),
    ("partners:home", None, "partners/home.html"),
    ("partners:delegations", None, "partners/delegation_list.html"),
    ("partners:delegation", "delegation", "partners/delegation_detail.html"),
    ("partners:memoranda", None, "partners/memorandum_list.html"),
    ("partners:memorandum", "memorandum", "partners/memorandum_detail.html"),
    ("partners:companies", None, "partners/company_list.html"),
    ("partners:company", "profile", "partners/company_detail.html"),
    ("partners:city", "city", "partners/city_detail.html"),
    # A slug nobody has: the 404 path must cope with the same garbage.
    ("partners:delegation", "missing", None),
]

FILTER_NAMES = [
    "q", "page", "per_page", "year", "city", "country", "status", "kind", "direction",
    "sector", "interest", "from", "to", "ordering", "o", "format", "lang", "partner",
]  # fmt: skip
NASTY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["\x00", "\r", "\n", "\u202e", "南", "京", "م", "ر", "%", "'", "<", ";"]),
    ),
    max_size=60,
)
VALUES = st.one_of(
    NASTY_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2019", "0", "-1", "1e309", "NaN", "2019-02-30", "xlsx", "csv", "de"]),
    st.text(min_size=2000, max_size=5000, alphabet="a"),
)
# Mostly the names the filters read, so that their parsing is what gets exercised.
KEYS = st.one_of(*[st.sampled_from(FILTER_NAMES)] * 3, NASTY_TEXT)
QUERIES = st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=6)


@pytest.fixture
def slugs(db):
    """One published record of each kind with a public page."""
    return {
        "delegation": f.DelegationFactory().slug,
        "memorandum": f.MemorandumFactory().slug,
        "profile": f.CompanyProfileFactory().slug,
        "city": f.CityFactory().slug,
        "missing": "no-such-record",
    }


def page_url(name, record, slugs):
    with translation.override("de"):
        return reverse(name, kwargs={"slug": slugs[record]} if record else None)


@pytest.mark.parametrize(("name", "record", "template"), PUBLIC_PAGES)
def test_no_query_string_makes_a_public_page_fail(client, slugs, name, record, template):
    if template:
        try:
            get_template(template)
        except TemplateDoesNotExist:
            pytest.skip(f"{name} needs {template}, which the public site (issue 6) adds")
    url = page_url(name, record, slugs)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=QUERIES)
    def check(query):
        # The test client re-raises a view's exception, so a crash fails here too.
        response = client.get(f"{url}?{urlencode(query)}")
        assert response.status_code < 500, (url, query)

    check()
