"""Page of part "moderation": the public list of recent contributions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carrefour.accounts.selectors import user_display_name
from carrefour.contributions.edits import field_label
from carrefour.contributions.models import Contribution
from carrefour.contributions.recent import contributions_public_page


@require_GET
def contributions_recent(request: HttpRequest) -> HttpResponse:
    """What was proposed and decided lately, on which project, by whom; filtered by status."""
    status = request.GET.get("statut", "")
    page, contributions = contributions_public_page(status, request.GET.get("page"))
    # Field names only: the values of a proposal not yet reviewed are not published here.
    items = [
        (
            c,
            user_display_name(c.author) if c.author_id or c.kind == "change" else "visiteur anonyme",
            ", ".join(field_label(name) for name in c.fields),
        )
        for c in contributions
    ]
    context = {
        "page": page,
        "items": items,
        "status": status if status in Contribution.Status.values else "",
        "statuses": Contribution.Status.choices,
    }
    return render(request, "contributions/moderation/recent.html", context)
