"""`carrefour serve`'s supervisor: the web server and the task worker as children, stopped together.

`make run` must serve and run tasks with one command, and Ctrl-C or SIGTERM must stop both with no
process left behind. The children get their own process groups, so a terminal's Ctrl-C reaches only
the supervisor, which sends each child a single SIGTERM (the worker then finishes its current task:
a second Ctrl-C forwards a second SIGTERM, which interrupts it). If the supervisor itself is killed,
the kernel sends SIGTERM to the children (PR_SET_PDEATHSIG). If one child ends on its own, the
other is stopped too: a site without its worker would accept work nobody does.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL = 0.5  # seconds between two looks at the children


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def children_supervise(commands: dict[str, list[str]]) -> int:
    """Run the commands until a signal or the end of one of them, then stop all; the exit code."""
    children: dict[str, subprocess.Popen[bytes]] = {}
    signals: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        signals.append(signum)
        if len(signals) == 1:
            sys.stderr.write("Arrêt : le worker finit sa tâche en cours (Ctrl-C encore pour l'interrompre)\n")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    # Started before the handlers: a signal meanwhile kills the supervisor, and the kernel the children.
    for name, argv in commands.items():
        children[name] = subprocess.Popen(argv, process_group=0, preexec_fn=_die_with_parent)
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = 0
        while not signals and all(child.poll() is None for child in children.values()):
            time.sleep(POLL)
        if not signals:
            name, child = next((n, c) for n, c in children.items() if c.returncode is not None)
            sys.stderr.write(f"{name} s'est arrêté (code {child.returncode}) : arrêt des autres processus\n")
            code = child.returncode or 1
            stop(signal.SIGTERM, None)
        for child in children.values():
            child.wait()
        return code
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
