"""Template helpers of the public site: language alternates, pages of a list, texts per
language, sentences joined as the language joins them, a lockout's minutes."""

import datetime

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.urls import translate_url
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from ..models import City, CompanyProfile, Organisation, shown_text
from ..models.base import in_brackets, in_chinese
from ..models.places import with_country

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
def translated(record, field):
    """``{{ delegation|translated:"title" }}``: the title in the page's language, or the
    German one inside ``<span lang="de">`` so that readers and search engines know."""
    text, language = shown_text(record, field)
    if language is None:
        return text
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def named(record):
    """An organisation, a city or a company profile by its name, as ``translated`` shows
    it; an organisation's short name and a city's own name follow in brackets."""
    if isinstance(record, CompanyProfile):
        record = record.organisation
    name = translated(record, "name")
    if isinstance(record, City) and getattr(record, "namesake", False):  # with_namesakes()
        # The pattern is the catalog's; the name (marked up where German) is escaped.
        name = mark_safe(with_country(conditional_escape(name), escape(record.country.code)))
    if isinstance(record, City) and record.shown_local_name:
        return format_html(in_brackets(), name, own_name(record.shown_local_name))
    if isinstance(record, Organisation) and record.shown_short_name:
        return format_html(in_brackets(), name, record.shown_short_name)
    return name


@register.filter
def own_name(text):
    """A local name marked as Chinese when it is written so (南京); a local name in Latin
    letters (Kraków) is in a language not kept, and is not marked as Chinese."""
    return format_html('<span lang="zh">{}</span>', text) if in_chinese(text) else text


@register.filter
def before_text(label):
    """A label ending in a colon, with the space German and English write after it; a
    Chinese full-width colon has its space in the glyph ("摄影：Invest Region Leipzig")."""
    return label if label.endswith("：") else f"{label} "


@register.filter
def shown_language(record, field):
    """The language ``translated`` marks ``field`` with, or "": for an element that
    cannot hold a ``<span>`` (a map label)."""
    return shown_text(record, field)[1] or ""


@register.filter(needs_autoescape=True)
def translated_text(record, field, autoescape=True):
    """Paragraphs of a long text (``linebreaks``), as ``translated`` marks its language."""
    text, language = shown_text(record, field)
    paragraphs = linebreaks_filter(text, autoescape=autoescape)
    if language is None:
        return paragraphs
    return format_html('<div lang="{}">{}</div>', language, paragraphs)


# About as much of a description as a search result shows.
DESCRIPTION_LENGTH = 160


@register.filter
def description_or_default(text):
    """A page's meta description, never empty (the site's own when the page has none), and
    cut to DESCRIPTION_LENGTH: after a word, or anywhere in Chinese, which has no spaces
    for "truncatewords" to count (a whole summary was the description)."""
    text = " ".join(str(text).split())
    if len(text) > DESCRIPTION_LENGTH:
        cut = text[: DESCRIPTION_LENGTH - 1]
        words = cut.rpartition(" ")[0]
        text = (words if len(words) > DESCRIPTION_LENGTH // 2 else cut) + "…"
    return text or gettext(
        "Partner cities, delegation reports, memoranda of understanding and a directory of "
        "companies looking for partners abroad."
    )


@register.simple_tag
def default_language():
    """settings.LANGUAGE_CODE: the language of x-default in page heads and the sitemap."""
    return settings.LANGUAGE_CODE


# Languages whose sentences run on after their full stop ("。"), with no space between.
WITHOUT_SPACES = ("zh", "ja")


@register.simple_tag
def sentence_gap() -> str:
    """What separates two sentences in the active language: a space, or nothing."""
    return "" if (get_language() or "").startswith(WITHOUT_SPACES) else " "


@register.simple_tag
def sentences(*texts):
    """Sentences translated one by one (each with its own plural) as one paragraph."""
    return format_html_join(sentence_gap(), "{}", ((text,) for text in texts if text))


@register.filter
def minutes(value: datetime.timedelta | None) -> int:
    """Whole minutes of a duration, rounded up, so a lockout never looks shorter than it is."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)
