"""Account pages: "Mon compte", "Mes données" (page and JSON download), account deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from carrefour.accounts.forms import AccountDeleteForm
from carrefour.accounts.roles import ROLE_LABELS, user_roles
from carrefour.accounts.selectors import (
    user_block_active,
    user_block_notice,
    user_display_name,
    user_personal_data,
)
from carrefour.accounts.services import user_delete


@require_GET
@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """The account's roles, its block if any (why, until when) and links to manage it."""
    roles = user_roles(request.user)
    block = user_block_active(request.user)
    context = {
        "roles": [label for role, label in ROLE_LABELS.items() if role in roles],
        "block_notice": user_block_notice(block) if block else "",
        "public_name": user_display_name(request.user),
        "data": user_personal_data(request.user),
    }
    return render(request, "accounts/home.html", context)


@require_GET
@login_required
def account_data(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the account, readable."""
    return render(request, "accounts/data.html", {"data": user_personal_data(request.user)})


@require_GET
@login_required
def account_data_json(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the account, as a JSON download."""
    body = json.dumps(user_personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-carrefour.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account and its personal data once the password confirms it."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user)
        messages.success(request, "Votre compte et vos données personnelles ont été supprimés.")
        return redirect("account_login")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
