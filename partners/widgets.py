"""Form widgets and choice filters shared by the public site and the back office."""

import django_filters
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname, get_language

from .models import is_translated, shown_text
from .models.base import shown_as
from .models.places import with_country
from .templatetags.public import translated


class Marked(str):
    """An option's text in another language than the page's: its ``<option>`` is marked
    ``lang`` as ``{{ record|translated }}`` marks a text (DESIGN.md): German for a missing
    translation; "zh" for a name written in Chinese (苏州), although it came from the German
    field, or a screen reader reads 苏州 with a German voice."""

    def __new__(cls, text, language=None):
        marked = super().__new__(cls, text)
        marked.language = language
        return marked


def _label(own, german, language):
    """An option's text, marked with its language as ``shown_text`` marks a text."""
    text, marked = shown_as(own, german, language)
    return Marked(text, marked) if marked else text


def _marked(label) -> str:
    language = getattr(label, "language", None)
    return f' lang="{language}"' if language else ""


class LongSelect(forms.Select):
    """A ``<select>`` for lists that grow with the data (cities, colleagues), its options
    written in one join: Django's per-option templates made a public list 2.9× slower at
    demo scale 100 than at 1 (``bench/bench_scale.py``), and ``format_html`` per option
    still cost 60 µs each (30 ms for 480 partner cities). Flat choices only: no option
    groups; an option's only attribute is the ``lang`` of a ``Marked`` label."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{conditional_escape(choice)}"{_marked(label)}'
            f"{' selected' if str(choice) in chosen else ''}>{conditional_escape(label)}</option>"
            for choice, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe(options))


class NameChoices(ModelChoiceIterator):
    """A model choice's options read as (value, label) pairs, not as model instances: 480
    partner cities cost 20 ms as instances (and a database cursor per page), 8 ms as pairs
    (cached like any query). The label is one column, the field's ``label_field``; no
    null choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        value, label = self.field.to_field_name or "pk", self.field.label_field
        language = get_language()  # modeltranslation's: always one of LANGUAGES
        if not is_translated(self.queryset.model, label):
            yield from self.queryset.values_list(value, label)
            return
        own = build_localized_fieldname(label, language)
        # F(): on a German page values_list would drop the repeated column.
        german = F(build_localized_fieldname(label, DEFAULT_LANGUAGE))
        rows, columns = self.queryset, [value, own, german]
        if self.field.country_where_shared:
            rows, columns = rows.with_namesakes(), [*columns, "namesake", "country"]
        for choice, text, source, *namesake in rows.values_list(*columns):
            shown = _label(text, source, language)
            if namesake and namesake[0]:  # another city has the name: "Birmingham, GB"
                shown = Marked(with_country(shown, namesake[1]), getattr(shown, "language", None))
            yield choice, shown


class NameChoiceField(forms.ModelChoiceField):
    """A choice among hundreds of records shown by one column (a city's name, a user's
    username), for a ``LongSelect``."""

    iterator = NameChoices

    def __init__(self, *args, label_field="name", country_where_shared=False, **kwargs):
        self.label_field = label_field
        # Cities: the country's code beside a name another city has too.
        self.country_where_shared = country_where_shared
        super().__init__(*args, **kwargs)


class NamedChoiceField(forms.ModelChoiceField):
    """A choice among a few records (sectors), each shown as itself, in German marked."""

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        language = shown_text(obj, "name")[1]
        return Marked(label, language) if language else label


class LongChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of one record among hundreds (a city): a ``LongSelect`` of their names."""

    field_class = NameChoiceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=LongSelect, **kwargs)


class NamedChoiceFilter(LongChoiceFilter):
    """The same ``LongSelect``, of a few records (sectors) each shown as itself."""

    field_class = NamedChoiceField


def is_key(field, value) -> bool:
    try:
        field.run_validators(field.to_python(value))  # the validators bound the column's range
    except ValidationError:
        return False
    return True


class KeysOnly:
    """The admin's autocomplete, rendering only chosen values that can be keys: Django's
    looks up the submitted values as they came, so a tampered one (``abc``, a number beyond
    the column) failed to render instead of showing the field's "Select a valid choice".

    ``chosen``: the records chosen, where the form holds them already (its record's, read
    with the rows of an inline): shown without Django's query, one per row and field."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        key = self.field.target_field
        value = [v for v in value if is_key(key, v)]
        chosen = {str(getattr(record, key.attname)): record for record in self.chosen or ()}
        if self.chosen is None or not chosen.keys() >= {str(v) for v in value}:
            return super().optgroups(name, value, attr)
        # The options Django's renders: a blank one for an optional choice, the chosen ones.
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for choice in dict.fromkeys(str(v) for v in value):
            label = self.choices.field.label_from_instance(chosen[choice])
            options.append(self.create_option(name, choice, label, True, len(options)))
        return [(None, options, 0)]


class AutocompleteSelect(KeysOnly, admin_widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(KeysOnly, admin_widgets.AutocompleteSelectMultiple):
    pass


class KeysMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of records that refuses a value which cannot be a key before looking it
    up: SQLite cannot even bind a number beyond 64 bits (a 500), where PostgreSQL finds
    no record."""

    def clean(self, value):
        key = self.queryset.model._meta.pk  # a many-to-many field chooses by primary key
        # Anything but a list is left to Django, which says it is none.
        for item in value if isinstance(value, list | tuple) else ():
            if not is_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


class CheckboxesField(KeysMultipleChoiceField):
    """Checkboxes of records (a form's interests, counterparts), each by its name; a name
    in another language than the page's is marked so (``<span lang="de">`` for want of a
    translation), as ``{{ record|translated }}`` marks a text."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return translated(obj, "name")
