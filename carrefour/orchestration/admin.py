"""Admin actions that re-run stages: splitting cluster members, editing a project's fields (re-indexed)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.dedup.services import cluster_split
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.orchestration.pipeline import pipeline_clusters_refresh
from carrefour.projects.admin import ProjectAdmin
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import Project


@admin.register(ClusterMember)
class ClusterMemberAdmin(admin.ModelAdmin):
    """Records in clusters: select some of one cluster to split them out into their own project."""

    list_display = ("record", "cluster", "score")
    list_filter = ("cluster__decided_by_admin",)
    search_fields = ("=cluster__id", "record__raw__source_record_id")
    raw_id_fields = ("record", "cluster")
    actions = ["split"]

    @admin.action(description="Séparer : ces fiches forment un autre projet")
    def split(self, request: HttpRequest, queryset: QuerySet[ClusterMember]) -> None:
        """Move the selected records out of their cluster, for good."""
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
        pipeline_clusters_refresh(touched)
        self.message_user(request, f"{len(touched) // 2} regroupement(s) séparé(s).")


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
