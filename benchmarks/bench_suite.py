#!/usr/bin/env python
"""fastconv benchmark suite (the code is fastconv._bench; `python -m fastconv bench` runs it too).

    PYTHONPATH=src python benchmarks/bench_suite.py --quick   # < 1 minute
    PYTHONPATH=src python benchmarks/bench_suite.py           # full, < 15 minutes
      --targets  --filter TEXT  --warm  --json PATH  --plot PATH.png  (--help)

Run from a checkout, it writes benchmarks/results/latest.json by default.
"""
import os
import sys

from fastconv._bench import main

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(main(default_json=os.path.join(here, "results", "latest.json")))
