#!/usr/bin/env python3
"""logistic_preset.py NQMTOP: the logistic-eos preset's batch records
against the edge of stability of GD on the logistic loss.

GD is stable on the loss's local quadratic while eta lambda1 / 2 < 1,
lambda1 the top eigenvalue of the kernel weighted by l'' (nqmtop(5)). A
run that starts below that edge (e = 0.8) and sharpens to it, then
hovers there, is at the edge of stability:

- e first reaches 1 after step 10, from 0.8 (eta_rel): it sharpened
  (measured at step 109);
- from there on the mean of e lies in [0.95, 1.1] (measured 1.018), the
  phase is 'edge' on at least 90 % of the steps (99 %) and the regime is
  edge-of-stability;
- the loss falls to below a fifth of its value at the edge (0.58 to
  0.082) but not monotonically: it rises on at least 20 % of those steps
  (46 %);
- the loss Hessian's top eigenvalue hovers with it: eta sharpness / 2
  averages within [0.9, 1.3] there (1.106).
A kernel left unweighted by l'' fails five of them (e then averages 3.2
and the loss never rises); a run from eta_rel = 0.5 fails the loss's
fall."""
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile


def batch(nqmtop):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "summary.json")
        out = subprocess.run([nqmtop, "--batch", "--preset", "logistic-eos", "--summary", path]
                             + sys.argv[2:], capture_output=True, text=True, check=True).stdout
        with open(path) as f:
            summary = json.load(f)
    return list(csv.DictReader(io.StringIO(out), delimiter="\t")), summary


def main():
    rows, summary = batch(sys.argv[1])
    failures = []

    def check(ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            failures.append(what)

    edge = [float(r["edge"]) for r in rows]
    loss = [float(r["loss"]) for r in rows]
    eta = float(rows[0]["eta"])
    first = next((i for i, e in enumerate(edge) if e >= 1), None)
    check(first is not None and first > 10, f"e first reaches 1 at step {first}")
    if first is None:
        sys.exit(1)
    after = range(first, len(rows))
    mean_e = statistics.mean(edge[first:])
    check(0.95 <= mean_e <= 1.1, f"mean e from there on {mean_e:.4f}")
    share = sum(rows[i]["phase"] == "edge" for i in after) / len(after)
    check(share >= 0.9, f"phase 'edge' on {share:.3f} of those steps")
    check(summary["regime"] == "edge-of-stability", f"regime {summary['regime']}")
    check(loss[-1] < loss[first] / 5, f"loss {loss[first]:.4g} at the edge, {loss[-1]:.4g} at the end")
    rises = sum(loss[i] > loss[i - 1] for i in range(first + 1, len(loss))) / (len(loss) - first - 1)
    check(rises >= 0.2, f"the loss rises on {rises:.3f} of the steps")
    sharp = [eta * float(rows[i]["sharpness"]) / 2 for i in after if rows[i]["sharpness"] != "nan"]
    mean_sharp = statistics.mean(sharp) if sharp else float("nan")
    check(len(sharp) > 100 and 0.9 <= mean_sharp <= 1.3,
          f"eta sharpness / 2 averages {mean_sharp:.4f} over {len(sharp)} measurements")
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
