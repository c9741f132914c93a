"""Signals of the projects stage, for the apps above it (which the stage never imports)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the pipeline's writer with overrides=[FieldOverride] the sources now contradict
# ("la source a changé depuis la correction"), once per re-harvest that changes their upstream value.
overrides_conflicted = Signal()
# Sent by projects_sync with takers={emptied project id: project id} when a merge empties projects: what
# hangs on the emptied project (a holder's claim) follows the publications.
projects_emptied = Signal()
