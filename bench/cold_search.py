"""Cold text search: from a fresh process to a query's vector, with the model's cached text tower
(numpy, no torch) against the whole model (torch and open_clip), measured in the same run.

    python bench/cold_search.py [--runs 5] [--model-file PATH]

Each timing is a fresh Python process that imports photoclip's CLI (as `photoclip search` does),
gets the text side ready and encodes one query; the tower is cached first by loading the model
once, as any first use on a machine does. Model: the shipped tiny CLIP, or the weights given
(the import of torch, which the tower avoids, costs the same for any model). The last line is
JSON: tower_s, whole_model_s, ratio (whole model / tower), runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONE_QUERY = """
import sys, time
start = time.perf_counter()
import photoclip.cli
from photoclip.model import load_encoder, load_text_encoder, resolve_model
spec = resolve_model("photoclip-tiny", model_file=sys.argv[2] or None)
text = load_text_encoder(spec) if sys.argv[1] == "tower" else load_encoder(spec).text
assert text is not None, "no cached text tower"
text.encode_text("kids at the lake last summer")
print(time.perf_counter() - start, "torch" in sys.modules)
"""


def timed(how: str, model_file: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", ONE_QUERY, how, model_file], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True).stdout.split()
    if (out[1] == "True") != (how == "whole"):
        raise SystemExit(f"the {how} run imported torch: {out[1]}")
    return float(out[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model-file", default="", help="weights of the tiny architecture (default: shipped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PHOTOCLIP_CACHE_DIR=cache)
        timed("whole", args.model_file, env)  # caches the tower, as a first use does
        tower, whole = [], []
        for _ in range(args.runs):
            tower.append(timed("tower", args.model_file, env))
            whole.append(timed("whole", args.model_file, env))
    t, w = statistics.median(tower), statistics.median(whole)
    print(f"fresh process to a query's vector, median of {args.runs}: {t:.2f} s from the cached text tower, "
          f"{w:.2f} s loading the whole model (baseline, same run): {w / t:.1f}x")
    print(json.dumps({"tower_s": round(t, 3), "whole_model_s": round(w, 3), "ratio": round(w / t, 2),
                      "runs": args.runs}))


if __name__ == "__main__":
    main()
