#!/usr/bin/env python3
"""sharpness_preset.py NQMTOP: the sharpness-vs-kernel preset's batch
records against what the Hessian's two terms imply.

The sharpness is the top eigenvalue of H = s J^T J + s sum_i r_i hess g_i,
lambda1 that of the first term alone, so the two part where the residual
r is large and meet where the network fits its points (r -> 0):

- at step 0 and at the step of the largest loss (the catapult's peak,
  after step 0) |sharpness / lambda1 - 1| > 0.07 (measured 0.140 and
  0.531);
- over the last 10 % of the steps |sharpness / lambda1 - 1| < 1e-4
  (measured at most 6.9e-7), and the last loss is below the first;
- every step has a finite sharpness, and the summary's sharpness_0 and
  sharpness_final are those of the first and last records.
A sharpness equal to lambda1 fails the checks at step 0 and the peak;
records without the sharpness column (sharpness_every = 0) fail too."""
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile

APART = 0.07
TOGETHER = 1e-4


def batch(nqmtop):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "summary.json")
        out = subprocess.run([nqmtop, "--batch", "--preset", "sharpness-vs-kernel",
                              "--summary", path], capture_output=True, text=True,
                             check=True).stdout
        with open(path) as f:
            summary = json.load(f)
    return list(csv.DictReader(io.StringIO(out), delimiter="\t")), summary


def gap(row):
    return abs(float(row["sharpness"]) / float(row["lambda1"]) - 1)


def main():
    rows, summary = batch(sys.argv[1])
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    if not rows or "sharpness" not in rows[0]:
        check(False, "the records have a sharpness column")
        return 1
    sharp = [float(r["sharpness"]) for r in rows]
    loss = [float(r["loss"]) for r in rows]
    check(all(math.isfinite(v) for v in sharp),
          "every step's sharpness is finite (%d nan)" % sum(not math.isfinite(v) for v in sharp))

    peak = max(range(len(loss)), key=lambda t: loss[t])
    check(peak > 0, "the loss rises before it falls: its largest value is at step %d" % peak)
    for name, t in (("step 0", 0), ("the peak, step %d," % peak, peak)):
        g = gap(rows[t])
        check(g > APART, "at %s sharpness %s, lambda1 %s: |ratio - 1| = %.4g > %g" %
              (name, rows[t]["sharpness"], rows[t]["lambda1"], g, APART))

    tail = rows[len(rows) - max(1, len(rows) // 10):]
    worst = max(gap(r) for r in tail)
    check(worst < TOGETHER, "over the last %d steps |sharpness / lambda1 - 1| <= %.3g < %g" %
          (len(tail), worst, TOGETHER))
    check(loss[-1] < loss[0], "the loss ends at %.4g, below its start %.4g" % (loss[-1], loss[0]))

    for key, row in (("sharpness_0", rows[0]), ("sharpness_final", rows[-1])):
        value = summary.get(key)
        check(value is not None and value == float(row["sharpness"]),
              "the summary's %s %s is step %s's %s" % (key, value, row["step"], row["sharpness"]))

    print("%d checks failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


sys.exit(main())
