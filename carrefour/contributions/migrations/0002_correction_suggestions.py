"""Every former web.CorrectionSuggestion becomes a Contribution of kind suggestion (and back, if reversed)."""

from typing import Any

from django.db import migrations

# CorrectionSuggestion.Status → Contribution.Status
STATUSES = {"nouvelle": "pending", "acceptee": "accepted", "refusee": "rejected"}


def suggestions_to_contributions(apps: Any, schema_editor: Any) -> None:
    """Copy each suggestion: its field as subject, its message as text, its e-mail as contact."""
    old = apps.get_model("web", "CorrectionSuggestion")
    contribution = apps.get_model("contributions", "Contribution")
    contribution.objects.bulk_create(
        (
            contribution(
                kind="suggestion",
                project_id=s.project_id,
                subject=s.field,
                reason=s.message,
                contact_email=s.email,
                status=STATUSES[s.status],
                created_at=s.created_at,
                decided_at=s.moderated_at,
            )
            for s in old.objects.order_by("id").iterator()
        ),
        batch_size=1000,
    )


def contributions_to_suggestions(apps: Any, schema_editor: Any) -> None:
    """Put the suggestions back (decision reasons and authors, which the old model lacks, are dropped)."""
    old = apps.get_model("web", "CorrectionSuggestion")
    contribution = apps.get_model("contributions", "Contribution")
    back = {new: former for former, new in STATUSES.items()}
    suggestions = contribution.objects.filter(kind="suggestion")
    for c in suggestions.order_by("id").iterator():
        former = old.objects.create(
            project_id=c.project_id,
            field=c.subject or "other",
            message=c.reason,
            email=c.contact_email,
            status=back.get(c.status, "nouvelle"),
            moderated_at=c.decided_at,
        )
        # created_at is auto_now_add: set apart to keep the date it was sent.
        old.objects.filter(pk=former.pk).update(created_at=c.created_at)
    suggestions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_initial"),
        ("web", "0002_rate_limit_cache_table"),
    ]

    operations = [migrations.RunPython(suggestions_to_contributions, contributions_to_suggestions)]
