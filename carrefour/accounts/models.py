"""A profile beside Django's User (role, trust, contribution count), blocks, partner organisations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from carrefour.projects.models import Project
from carrefour.sources.models import Source


class Profile(models.Model):
    """What the Carrefour holds about an account beyond Django's User."""

    class Staff(models.TextChoices):
        NONE = "", "Aucun"
        MODERATOR = "moderator", "Modérateur"
        ADMINISTRATOR = "administrator", "Administrateur"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    staff_role = models.CharField("rôle", max_length=20, choices=Staff.choices, blank=True, default="")
    trust_granted = models.BooleanField(
        "confiance accordée",
        default=False,
        help_text="Contributeur de confiance par décision d'un modérateur.",
    )
    # Incremented by the contributions app (user_contribution_accepted) at each accepted contribution.
    accepted_contributions = models.PositiveIntegerField("contributions acceptées", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "profil"

    def __str__(self) -> str:
        return f"profil de {self.user}"


class UserBlock(models.Model):
    """A block of an account, with its reason and its end (none: until lifted)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    reason = models.TextField("motif", max_length=2000)
    until = models.DateTimeField("jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField("levé le", null=True, blank=True)

    class Meta:
        verbose_name = "blocage"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"blocage de {self.user}"


class Organisation(models.Model):
    """A partner organisation: its members act on the sources it publishes."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField("site web", max_length=500, blank=True)
    sources = models.ManyToManyField(Source, through="OrganisationSource", related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationSource(models.Model):
    """A source published by an organisation: a source belongs to at most one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="organisation_link")

    class Meta:
        verbose_name = "source de l'organisation"
        verbose_name_plural = "sources de l'organisation"

    def __str__(self) -> str:
        return f"{self.organisation} : {self.source}"


class Membership(models.Model):
    """A user's membership of an organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur de l'organisation"
        MEMBER = "member", "Membre"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ProjectClaim(models.Model):
    """An account saying it holds a project: once confirmed, it edits that project directly."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente de confirmation"
        CONFIRMED = "confirmed", "Confirmée"
        REFUSED = "refused", "Refusée"
        WITHDRAWN = "withdrawn", "Abandonnée par le porteur"
        REVOKED = "revoked", "Retirée par la modération"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    # A deleted account's claims go with it: they are about that person only.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    message = models.TextField("rôle dans le projet et moyen de le vérifier", max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "revendication de projet"
        verbose_name_plural = "revendications de projets"
        ordering = ["created_at", "id"]
        constraints = [
            # One open claim (pending or confirmed) per account and project.
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="project_claim_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} porteur du projet {self.project_id} ({self.status})"
