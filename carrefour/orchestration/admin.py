"""Admin that re-runs stages: splits in the worker (progress page), project field edits re-indexed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.dedup.services import cluster_split
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.orchestration.jobs import job_start, job_state
from carrefour.orchestration.models import Job
from carrefour.orchestration.tasks import clusters_refresh
from carrefour.projects.admin import ProjectAdmin
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import Project

REFRESH_SECONDS = 2  # the progress page reloads itself (meta refresh: no JavaScript) until the job ends


@admin.register(ClusterMember)
class ClusterMemberAdmin(admin.ModelAdmin):
    """Records in clusters: select some of one cluster to split them out into their own project."""

    list_display = ("record", "cluster", "score")
    list_filter = ("cluster__decided_by_admin",)
    search_fields = ("=cluster__id", "record__raw__source_record_id")
    raw_id_fields = ("record", "cluster")
    actions = ["split"]

    @admin.action(description="Séparer : ces fiches forment un autre projet", permissions=["change"])
    def split(self, request: HttpRequest, queryset: QuerySet[ClusterMember]) -> HttpResponse | None:
        """Move the selected records out of their cluster, for good; merge and re-index in the worker."""
        by_cluster: dict[int, list[int]] = defaultdict(list)
        for member in queryset:
            by_cluster[member.cluster_id].append(member.record_id)
        touched: list[int] = []
        for cluster_id, record_ids in by_cluster.items():
            try:
                new = cluster_split(Cluster.objects.get(pk=cluster_id), record_ids)
            except ValueError as exc:
                self.message_user(request, f"regroupement {cluster_id} : {exc}", level=messages.ERROR)
                continue
            touched += [cluster_id, new.pk]
        if not touched:
            return None
        job = job_start(Job.Kind.CLUSTERS_REFRESH, clusters_refresh, touched)
        self.message_user(
            request,
            f"{len(touched) // 2} regroupement(s) séparé(s) ; projets et index mis à jour en arrière-plan.",
        )
        return HttpResponseRedirect(reverse("admin:orchestration_job_change", args=[job.pk]))


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs, read only: the page of one shows its progress and reloads itself until it ends."""

    list_display = ("__str__", "state", "progress", "created_at")
    fields = (
        "kind",
        "source",
        "started_by",
        "state",
        "progress",
        "stage",
        "summary",
        "error",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    change_form_template = "admin/orchestration/job/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Jobs are started by actions, never by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        """Written by the worker only."""
        return False

    @admin.display(description="état")
    def state(self, obj: Job) -> str:
        """Status from the task backend."""
        return job_state(obj).label

    @admin.display(description="progression")
    def progress(self, obj: Job) -> str:
        """Counts done out of total."""
        return f"{obj.done} / {obj.total}" if obj.total else "—"

    @admin.display(description="erreur")
    def error(self, obj: Job) -> str:
        """The failed task's exception, if any."""
        return job_state(obj).error or "—"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The job's page, reloading while the job is not over."""
        job = self.get_object(request, object_id)
        running = job is not None and not job_state(job).finished
        context = {**(extra_context or {}), "refresh_seconds": REFRESH_SECONDS if running else 0}
        return super().change_view(request, object_id, form_url, extra_context=context)


admin.site.unregister(Project)


@admin.register(Project)
class ProjectEditAdmin(ProjectAdmin):
    """Projects: an edited field becomes an override, recorded in the history, and the project re-indexed."""

    def save_model(self, request: HttpRequest, obj: Project, form: ModelForm, change: bool) -> None:
        """Edited fields go through project_fields_edit (the form's instance is not saved as is)."""
        edited = {name: form.cleaned_data[name] for name in form.changed_data if name in MERGED_FIELDS}
        if not edited:
            return
        try:
            project_fields_edit_indexed(
                Project.objects.get(pk=obj.pk), edited, request.user, "administration"
            )
        except ValueError as error:
            self.message_user(request, f"Non enregistré : {error}", level=messages.ERROR)
