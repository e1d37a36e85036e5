from django import template

from ..desk import desk_for, headline

register = template.Library()


@register.inclusion_tag("partners/admin/desk.html", takes_context=True)
def my_desk(context):
    user = context["request"].user
    return {
        "desk": desk_for(user),
        "headline": headline() if user.has_perm("partners.view_reports") else None,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.filter
def admin_opts(record):
    """A record's model options, for the admin URL names (templates cannot read _meta)."""
    return record._meta
