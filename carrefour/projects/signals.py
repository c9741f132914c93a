"""Signals of the projects stage, for the apps above it (which the stage never imports)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the pipeline's writer with overrides=[FieldOverride] the sources now contradict
# ("la source a changé depuis la correction"), once per re-harvest that changes their upstream value.
overrides_conflicted = Signal()
