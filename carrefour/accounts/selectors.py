"""Read-only questions about accounts: blocks, organisations, display names, personal data."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from carrefour.accounts.models import (
    Membership,
    Organisation,
    OrganisationSource,
    Profile,
    ProjectClaim,
    UserBlock,
)
from carrefour.projects.models import FieldOverride, Project, ProjectSource
from carrefour.projects.selectors import overrides_conflict_source_ids
from carrefour.sources.models import Source

DELETED_ACCOUNT = "compte supprimé"


def user_display_name(user: Any) -> str:
    """Public name of an author; "compte supprimé" for None (contribution FKs use on_delete=SET_NULL)."""
    if user is None:
        return DELETED_ACCOUNT
    # The e-mail address is never shown to the public: a name if the account gave one, else its number.
    return user.get_full_name() or f"Contributeur n° {user.pk}"


def _blocks_in_force() -> QuerySet[UserBlock]:
    """Blocks neither lifted nor over."""
    return UserBlock.objects.filter(lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=timezone.now())
    )


def user_block_active(user: Any) -> UserBlock | None:
    """The block in force on the account (the one ending last), None when it may act."""
    return _blocks_in_force().filter(user=user).order_by(F("until").desc(nulls_first=True)).first()


def user_role_facts(user: Any) -> dict[str, Any]:
    """What an account's roles derive from, in one query: block, address, profile, membership, claims."""
    facts = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            blocked=Exists(_blocks_in_force().filter(user=OuterRef("pk"))),
            verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
            holder=Exists(
                ProjectClaim.objects.filter(user=OuterRef("pk"), status=ProjectClaim.Status.CONFIRMED)
            ),
        )
        .values(
            "blocked",
            "verified",
            "member",
            "holder",
            "is_superuser",
            staff_role=F("profile__staff_role"),
            trust_granted=F("profile__trust_granted"),
            accepted_contributions=F("profile__accepted_contributions"),
        )
        .first()
    )
    return dict(facts) if facts else {}


def user_block_notice(block: UserBlock) -> str:
    """What a blocked account is told wherever it is refused: until when, and why."""
    if block.until is None:
        period = "jusqu'à nouvel ordre"
    else:
        period = "jusqu'au " + date_format(timezone.localtime(block.until), "j F Y à H:i")
    return f"Votre compte est bloqué {period}. Motif : {block.reason}"


def user_organisation_ids(user: Any, *, admin: bool = False) -> set[int]:
    """Ids of the organisations the account belongs to (only those it administers with admin=True)."""
    memberships = Membership.objects.filter(user=user)
    if admin:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    return set(memberships.values_list("organisation_id", flat=True))


def object_organisation_ids(obj: Any) -> set[int]:
    """Organisations owning an organisation, a source, a project (through its sources) or a conflict."""
    if isinstance(obj, Organisation):
        return {obj.pk}
    if isinstance(obj, Source):
        return set(OrganisationSource.objects.filter(source=obj).values_list("organisation_id", flat=True))
    if isinstance(obj, FieldOverride):
        # A conflict belongs to whoever publishes the source giving the value in conflict, not to every
        # organisation whose source also feeds the (merged) project.
        owners = OrganisationSource.objects.filter(source_id__in=overrides_conflict_source_ids([obj])[obj.pk])
        return set(owners.values_list("organisation_id", flat=True))
    if isinstance(obj, Project):
        source_ids = ProjectSource.objects.filter(project=obj, gone=False).values("source_id")
        links = OrganisationSource.objects.filter(source_id__in=source_ids)
        return set(links.values_list("organisation_id", flat=True))
    return set()


def user_held_project_ids(user: Any) -> set[int]:
    """Ids of the projects the account holds (its confirmed claims)."""
    claims = ProjectClaim.objects.filter(user=user, status=ProjectClaim.Status.CONFIRMED)
    return set(claims.values_list("project_id", flat=True))


def project_holder_names(project: Project) -> list[str]:
    """Public names of a project's confirmed holders ("porteur du projet"), blocked accounts left out."""
    claims = ProjectClaim.objects.filter(project=project, status=ProjectClaim.Status.CONFIRMED).exclude(
        user_id__in=_blocks_in_force().values("user_id")
    )
    return [user_display_name(claim.user) for claim in claims.select_related("user")]


def user_personal_data(user: Any) -> dict[str, Any]:
    """Everything the Carrefour holds about an account, as the "Mes données" page and its JSON show it."""
    profile = Profile.objects.filter(user=user).first()
    logins = AccessLog.objects.filter(username__in=login_names(user)).order_by("-attempt_time")
    failures = AccessAttempt.objects.filter(username__in=login_names(user))
    return {
        "compte": {
            "identifiant": user.get_username(),
            "email": user.email,
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        },
        "adresses_email": [
            {"email": a.email, "verifiee": a.verified, "principale": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "profil": {
            "role": profile.get_staff_role_display() if profile else "",
            "confiance_accordee": profile.trust_granted if profile else False,
            "contributions_acceptees": profile.accepted_contributions if profile else 0,
        },
        "organisations": [
            {"organisation": m.organisation.name, "role": m.get_role_display()}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "projets_revendiques": [
            {"projet": c.project_id, "statut": c.get_status_display(), "message": c.message}
            for c in ProjectClaim.objects.filter(user=user)
        ],
        "blocages": [
            {
                "motif": b.reason,
                "jusqu_au": b.until.isoformat() if b.until else None,
                "depuis": b.created_at.isoformat(),
                "leve_le": b.lifted_at.isoformat() if b.lifted_at else None,
            }
            for b in UserBlock.objects.filter(user=user)
        ],
        "connexions": [
            {"le": log.attempt_time.isoformat(), "ip": log.ip_address, "navigateur": log.user_agent}
            for log in logins[:100]
        ],
        "echecs_de_connexion": [
            {"ip": a.ip_address, "nombre": a.failures_since_start, "dernier": a.attempt_time.isoformat()}
            for a in failures
        ],
    }


def login_names(user: Any) -> set[str]:
    """The names django-axes may have recorded the account's logins under (username, e-mail addresses)."""
    names = {user.get_username(), user.email}
    names.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return {n for n in names if n}
