"""Crash rounds: kill -9 an indexing photoclip at random moments, count the damaged rounds.

    python bench/crash_rounds.py [--rounds N] [--seed S]

Each round changes the photo folder (new, edited, renamed, deleted photos, moved folders;
sometimes while the indexer runs), runs the background worker over the library in a child
process and SIGKILLs it at a random moment of its run. Then the library is checked as the
next start finds it: catalog integrity, vector index == catalog embeddings, search works,
no committed embedding lost. A last run goes to the end: every file indexed exactly once,
and the saved index agrees with the catalog. (The harness is tests/crashkit.py.)
Target: 0 damaged. The last line is JSON: rounds, damaged, seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import crashkit  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crash-rounds-"))
    started = time.monotonic()
    try:
        result = crashkit.run_rounds(
            work, args.rounds, seed=args.seed,
            log=lambda line: print(f"{time.monotonic() - started:6.1f}s  {line}", flush=True),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for problem in result.problems:
        print(f"DAMAGE {problem}")
    print(f"{result.rounds} kill rounds and a final run in {result.seconds:.0f} s: {result.damaged} damaged")
    print(json.dumps({"rounds": result.rounds, "damaged": result.damaged, "seconds": round(result.seconds, 1)}))
    return 0 if result.damaged == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
