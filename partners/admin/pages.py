"""Admin pages of our own (confirmations, boards, forms) show the admin's frame."""


def page_context(model_admin, request, title) -> dict:
    """The context every admin page needs: the site's (sidebar, header), title and model."""
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
    }
