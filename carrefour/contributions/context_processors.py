"""Template context: the signed-in account's unread notifications, for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from carrefour.contributions.selectors import notifications_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """{notifications_unread: n} (0 for visitors, without a query)."""
    return {"notifications_unread": notifications_unread_count(getattr(request, "user", None))}
