"""Template helpers of the public site: language alternates, pages of a list, local names."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language, absolute=False):
    """This page in ``language``: for the switcher with its filters kept; absolute and
    without the query string for the hreflang links (one alternate per page, not per filter)."""
    request = context["request"]
    if absolute:
        return request.build_absolute_uri(translate_url(request.path, language))
    return translate_url(request.get_full_path(), language)


@register.simple_tag
def page_url(query, number):
    """The link to page ``number`` of a list, keeping its filters."""
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.filter
def local_name(record):
    """A sector's or interest's name in the active language (German names are stored)."""
    german = getattr(record, "name_de", "")
    return german if german and get_language() == "de" else record.name


@register.filter
def description_or_default(text):
    """A page's meta description, never empty: the site's own when the page has none."""
    from django.utils.translation import gettext

    text = " ".join(str(text).split())
    return text or gettext(
        "Partner cities, delegation reports, memoranda of understanding and a directory of "
        "companies looking for partners abroad."
    )


@register.simple_tag
def default_language():
    """settings.LANGUAGE_CODE: the language of x-default in page heads and the sitemap."""
    from django.conf import settings

    return settings.LANGUAGE_CODE
