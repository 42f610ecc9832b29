#!/usr/bin/python3
"""Which benchmarks' forks disagree: each fork's mean from a JMH JSON result file.

  python3 bench/python/fork_spread.py docs/benchmarks/jmh.json [--over 1.15]

JMH's score is the mean over every fork's iterations, and its error grows when two forks
settle at different speeds (two JIT compilations of one method, or a host that was busy for
one fork and not the other). This prints one line per benchmark and parameter set measured in
two forks or more: the forks' means (the primary metric's unit) and the slowest over the
fastest, marking with "<<" those over --over (default 1.15). Scalar-kernel rows are left out.
"""
import argparse
import json
import statistics
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--over", type=float, default=1.15)
    args = parser.parse_args()
    try:
        with open(args.results) as f:
            runs = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"fork_spread: cannot read {args.results} as JMH JSON results: {e}")
    if not isinstance(runs, list) or not all(
            isinstance(r, dict) and "benchmark" in r and "primaryMetric" in r for r in runs):
        sys.exit(f"fork_spread: {args.results} is JSON but not JMH's results "
                 "(a list of runs, each with 'benchmark' and 'primaryMetric')")
    for run in runs:
        name = ".".join(run["benchmark"].split(".")[-2:])
        params = ",".join(f"{k}={v}" for k, v in (run.get("params") or {}).items())
        if "impl=scalar" in params:
            continue
        forks = [statistics.mean(iterations) for iterations in run["primaryMetric"]["rawData"]]
        if len(forks) < 2:
            continue
        spread = max(forks) / min(forks)
        mark = " <<" if spread > args.over else ""
        means = " ".join(f"{m:12.1f}" for m in forks)
        print(f"{name:34s} {params:40s} {means}  {spread:.2f}x{mark}")


if __name__ == "__main__":
    main()
