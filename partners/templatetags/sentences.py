from django import template
from django.utils.html import format_html_join
from django.utils.translation import get_language

register = template.Library()

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
