"""Template context: the signed-in account's unread notifications, for the header."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from carrefour.contributions.selectors import notifications_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """{notifications_unread: n}, counted when a template first shows it (0 for visitors, without a query)."""
    user = getattr(request, "user", None)

    # Templates call a callable value: the count runs only on pages showing it, once however often shown.
    @cache
    def unread() -> int:
        return notifications_unread_count(user)

    return {"notifications_unread": unread}
