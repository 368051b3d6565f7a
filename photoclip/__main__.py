"""The `photoclip` command (and `python -m photoclip`). Ctrl-C while the engine's modules load
(a quarter of a second) ends it as quietly as later: nothing is open yet; cli.main puts back
Python's own handler."""

from __future__ import annotations

import signal
import sys
import threading


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write("photoclip: interrupted\n")
    raise SystemExit(130)


def main() -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    from photoclip.cli import main as run

    return run()


if __name__ == "__main__":
    raise SystemExit(main())
