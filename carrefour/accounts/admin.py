"""Thin admin: roles, trust, blocks and organisations; every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from carrefour.accounts.models import Membership, Organisation, OrganisationSource, Profile, UserBlock
from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.services import (
    organisation_member_add,
    organisation_member_remove,
    organisation_source_add,
    organisation_source_remove,
    user_block,
    user_staff_role_set,
    user_trust_promote,
    user_unblock,
)


def _refused(admin_: admin.ModelAdmin, request: HttpRequest, action: Action) -> bool:
    """Tell the admin user when the permission matrix refuses the action."""
    if user_can(request.user, action):
        return False
    admin_.message_user(request, "Votre rôle ne permet pas cette action.", messages.ERROR)
    return True


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Roles and trust: read-only fields, changed only by the actions (matrix-checked)."""

    list_display = ("user", "staff_role", "trust_granted", "accepted_contributions", "created_at")
    list_filter = ("staff_role", "trust_granted")
    search_fields = ("user__email", "user__username")
    readonly_fields = ("user", "staff_role", "trust_granted", "accepted_contributions", "created_at")
    actions = ("make_moderator", "make_administrator", "remove_staff_role", "grant_trust", "withdraw_trust")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Profiles come with their accounts."""
        return False

    def _set_role(self, request: HttpRequest, queryset: QuerySet[Profile], role: str) -> None:
        """Apply a staff role to the selected accounts."""
        if _refused(self, request, Action.MANAGE_ROLES):
            return
        for profile in queryset.select_related("user"):
            user_staff_role_set(profile.user, role)

    @admin.action(description="Nommer modérateur")
    def make_moderator(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        """Moderator role."""
        self._set_role(request, queryset, Profile.Staff.MODERATOR)

    @admin.action(description="Nommer administrateur")
    def make_administrator(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        """Administrator role."""
        self._set_role(request, queryset, Profile.Staff.ADMINISTRATOR)

    @admin.action(description="Retirer le rôle de modérateur ou d'administrateur")
    def remove_staff_role(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        """Back to contributor."""
        self._set_role(request, queryset, Profile.Staff.NONE)

    @admin.action(description="Accorder la confiance")
    def grant_trust(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        """Trusted contributor by decision."""
        if not _refused(self, request, Action.GRANT_TRUST):
            for profile in queryset.select_related("user"):
                user_trust_promote(profile.user)

    @admin.action(description="Retirer la confiance accordée")
    def withdraw_trust(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        """Trust earned by accepted contributions stays."""
        if not _refused(self, request, Action.GRANT_TRUST):
            for profile in queryset.select_related("user"):
                user_trust_promote(profile.user, granted=False)


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    """Blocks with their reason and end; created through user_block, lifted through user_unblock."""

    list_display = ("user", "reason", "until", "created_by", "created_at", "lifted_at")
    list_filter = ("lifted_at",)
    search_fields = ("user__email", "reason")
    fields = ("user", "reason", "until")
    raw_id_fields = ("user",)
    actions = ("lift",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Blocking is a moderator's decision (permission matrix)."""
        return user_can(request.user, Action.BLOCK_USER)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A block is never edited: lifted, and a new one made if needed."""
        return obj is None and user_can(request.user, Action.BLOCK_USER)

    def save_model(self, request: HttpRequest, obj: UserBlock, form: Any, change: bool) -> None:
        """Create through the service, recording who blocked."""
        created = user_block(obj.user, reason=obj.reason, until=obj.until, by=request.user)
        obj.pk = created.pk

    @admin.action(description="Lever le blocage")
    def lift(self, request: HttpRequest, queryset: QuerySet[UserBlock]) -> None:
        """Lift the blocks in force of the selected accounts."""
        if not _refused(self, request, Action.BLOCK_USER):
            for block in queryset.select_related("user"):
                user_unblock(block.user)


class MembershipInline(admin.TabularInline):
    """Members of the organisation."""

    model = Membership
    extra = 1
    # Found by e-mail or name (the User admin's search fields), not by a number nobody knows.
    autocomplete_fields = ("user",)
    fields = ("user", "role")


class OrganisationSourceInline(admin.TabularInline):
    """Sources the organisation publishes (a source belongs to one organisation at most)."""

    model = OrganisationSource
    extra = 1
    fields = ("source",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Partner organisations, their members and their sources."""

    list_display = ("name", "slug", "website", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("name", "slug", "website")
    inlines = (MembershipInline, OrganisationSourceInline)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Platform administrators, or the organisation's own administrators."""
        return user_can(request.user, Action.MANAGE_ORGANISATION, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Platform administrators."""
        return user_can(request.user, Action.MANAGE_ORGANISATION)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Platform administrators."""
        return user_can(request.user, Action.MANAGE_ORGANISATION)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Members and sources through the services."""
        organisation = form.instance
        for instance in formset.save(commit=False):
            if isinstance(instance, Membership):
                organisation_member_add(organisation, instance.user, instance.role)
            else:
                organisation_source_add(organisation, instance.source)
        for instance in formset.deleted_objects:
            if isinstance(instance, Membership):
                organisation_member_remove(organisation, instance.user)
            else:
                organisation_source_remove(organisation, instance.source)
