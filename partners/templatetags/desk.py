from django import template

from ..desk import desk_for, headline

register = template.Library()


@register.inclusion_tag("partners/admin/desk.html", takes_context=True)
def my_desk(context):
    user = context["request"].user
    figures = headline() if user.has_perm("partners.view_reports") else None
    return {"desk": desk_for(user), "headline": figures}
