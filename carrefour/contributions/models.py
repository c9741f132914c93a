"""Contributions to projects, their moderation, and the notifications their authors receive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from carrefour.projects.models import Project, ProjectChange

# The longest reason kept: a change's motive, a moderator's decision, a revert's.
REASON_MAX = 2000


class Contribution(models.Model):
    """A change proposed to a project: waiting for a moderator, or live at once and still to review."""

    class Kind(models.TextChoices):
        CHANGE = "change", "Modification de champs"
        # Free text, from anyone (the former anonymous "suggestions de correction"): applied by hand.
        SUGGESTION = "suggestion", "Suggestion de correction"
        # A project no partner publishes: no project until accepted, the proposed values in `fields`.
        NEW_PROJECT = "new_project", "Nouveau projet"
        # Dedup reports: once accepted, decisions (dedup.ClusterDecision) later harvests respect.
        DUPLICATE = "duplicate", "Signalement de doublon"
        NOT_DUPLICATE = "not_duplicate", "Projets distincts regroupés"

    class Subject(models.TextChoices):
        """What a free-text suggestion is about."""

        TITLE = "title", "Titre"
        DESCRIPTION = "description", "Description"
        LOCATION = "location", "Localisation"
        THEMES = "themes", "Thèmes"
        ORGANIZATION = "organization", "Porteur"
        WEBSITE = "website", "Site web"
        STATUS = "status", "État d'avancement"
        DUPLICATE = "duplicate", "Doublon d'un autre projet"
        OTHER = "other", "Autre"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente de modération"
        # Published without review (trusted author): live, and still in the queue until a moderator rules.
        PUBLISHED = "published", "Publiée, à relire"
        ACCEPTED = "accepted", "Acceptée"
        REJECTED = "rejected", "Refusée"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHANGE)
    # Null for a proposed new project until it is published.
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    # A deleted account leaves its contributions, shown as "compte supprimé".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    # {field: [value when proposed, proposed value]}: only the fields the author changed (all, before
    # empty, for a new project; its place under "location").
    fields = models.JSONField(default=dict)
    # A duplicate report: the project the same real project is also published as.
    other_project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A "not the same projects" report: ids of the project's records (normalize.Record) that are another.
    records = models.JSONField(default=list, blank=True)
    # A change's reason or source; a suggestion's text.
    reason = models.TextField("motif ou source", max_length=4000)
    subject = models.CharField("champ concerné", max_length=20, choices=Subject.choices, blank=True)
    # Given by an anonymous author of a suggestion, only to answer them.
    contact_email = models.EmailField("courriel (facultatif)", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, max_length=REASON_MAX)
    # The project change that made it live (at once, or when accepted).
    change = models.ForeignKey(
        ProjectChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why it was held for review (quota, banned words, repeated text), as its author was told.
    hold_reasons = models.JSONField(default=list, blank=True)
    # {field: [value proposed (or the project's), value the moderator set]} when edited before accepting.
    moderator_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="contribution_queue"),
            models.Index(fields=["created_at"], name="contribution_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du projet {self.project_id}"

    def project_required(self) -> Project:
        """The project a change, suggestion or report is about (only a proposed new project has none)."""
        if self.project is None:
            raise ValueError(f"la contribution {self.pk} ne porte sur aucun projet existant")
        return self.project


class Notification(models.Model):
    """A message to an account about one of its contributions, shown on the site until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    contribution = models.ForeignKey(Contribution, null=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message[:80]
