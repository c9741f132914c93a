"""Steps shared by the harvest, import and pipeline commands: run guard, pipeline run, interruption."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from carrefour.orchestration.pipeline import PipelineSummary, pipeline_process, raw_records_pending
from carrefour.orchestration.runs import RunBusyError, run_guard
from carrefour.stop import stop_requested

STAGES = {
    "dedup": "dédoublonnage",
    "merge": "fusion des projets",
    "commit": "enregistrement",
    "index": "index",
}
STOPPED = (
    "interrompu (SIGTERM ou Ctrl-C) : ce qui a été traité est enregistré ; le reste est repris par la "
    "prochaine exécution de `carrefour harvest`, `carrefour import` ou `carrefour pipeline resume`"
)


class CommandBusyError(CommandError):
    """Another harvest, import or pipeline run holds the lock: this command did nothing."""


@contextmanager
def command_guard(command: BaseCommand) -> Iterator[None]:
    """Run a command body under the run lock, saying which dead runs were found and marked interrupted."""
    try:
        with run_guard() as stale:
            if stale:
                command.stderr.write(
                    f"{stale} exécution(s) restée(s) « en cours » après l'arrêt de leur processus : "
                    "marquée(s) interrompue(s) ; leurs fiches en attente sont reprises maintenant"
                )
            yield
    except RunBusyError as exc:
        raise CommandBusyError(str(exc)) from exc


def command_stop_check() -> None:
    """End the command with a clear message (exit code 1) if a stop was requested."""
    if stop_requested():
        raise CommandError(STOPPED)


def command_pipeline(
    command: BaseCommand, raw_ids: Iterable[int] = (), *, force: bool = False
) -> PipelineSummary:
    """Process the given raw records and every pending one, with progress on stderr; stops if asked."""
    command_stop_check()
    ids = sorted(set(raw_records_pending()) | set(raw_ids))
    tty = command.stderr.isatty()

    def progress(done: int, total: int) -> None:
        # Rewritten in place on a terminal; one line per batch in a log file (cron, timer).
        if tty:
            command.stderr.write(f"\rtraitement : {done}/{total}", ending="")
        else:
            command.stderr.write(f"traitement : {done}/{total}")

    def stage(name: str) -> None:
        if tty:
            command.stderr.write("")  # ends the progress line
        command.stderr.write(f"étape : {STAGES[name]}")

    summary = pipeline_process(ids, force=force, progress=progress, stage=stage)
    command.stdout.write(f"Pipeline : {summary.as_text()}")
    command_stop_check()
    return summary
