"""Form widgets shared by the public site and the back office."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A ``<select>`` for lists that grow with the data (cities, colleagues), its options
    written here rather than through a template each: with hundreds of options Django's
    per-option templates made a public list 2.9× slower at demo scale 100 than at 1
    (``bench/bench_scale.py``). Flat choices only: no option groups, no attributes on
    single options."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
