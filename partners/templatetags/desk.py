from django import template

from ..desk import desk_for

register = template.Library()


@register.inclusion_tag("partners/admin/desk.html", takes_context=True)
def my_desk(context):
    user = context["request"].user
    return {"desk": desk_for(user), "request": context["request"]}
