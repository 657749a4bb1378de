#!/usr/bin/env python3
"""optim_presets.py NQMTOP: the optimizer and schedule presets against
their closed forms, from their batch records.

- momentum-eos (beta = 0.5): lambda1 settles at (2 + 2 beta)/eta = 3/eta,
  not 2/eta: over the second half the edge ratio eta lambda1 / 3 averages 1
  within 3 % and GD's ratio eta lambda1 / 2 about 1.5; seeds 1 and 3.
- adam-eos: the preconditioned eigenvalue settles at 38/eta (eta lambda_p
  / 38 averages 1 within 3 %) while the raw eta lambda1 / 2 stays below
  0.8; seeds 1 and 2.
- warmup: at the target rate from the start the run diverges; with the
  warmup it catapults, lambda1 falls below 2/eta of the final rate, and
  every step's eta is the warmup's formula.
- sgd-spikes: at least 3 spikes; every spike starts on a step whose
  batch kernel had eta lambda_batch > 2 while the full kernel stays
  below 2/eta; steps with eta lambda_batch / 2 > 1.2 grow the loss on
  average, steps below 0.8 shrink it.
Each is a regime label check too."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

NQMTOP = sys.argv[1]
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
    print(("ok   " if cond else "FAIL ") + what)


def run(preset, *sets):
    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, "s.json")
        args = [NQMTOP, "--batch", "--preset", preset, "--summary", summary]
        for s in sets:
            args += ["--set", s]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
        return rows, json.load(open(summary))


def second_half_mean(values):
    half = values[len(values) // 2:]
    return sum(half) / len(half)


def momentum_eos():
    for seed in (1, 3):
        rows, s = run("momentum-eos", "seed=%d" % seed)
        edge = [float(r["edge"]) for r in rows]
        gd = [float(r["eta"]) * float(r["lambda1"]) / 2 for r in rows]
        m, g = second_half_mean(edge), second_half_mean(gd)
        check(s["regime"] == "edge-of-stability", "momentum-eos seed %d: %s" % (seed, s["regime"]))
        check(abs(m - 1) < 0.03, "momentum-eos seed %d: mean eta lambda1 / 3 = %.4f" % (seed, m))
        check(abs(g - 1.5) < 0.05, "momentum-eos seed %d: mean eta lambda1 / 2 = %.4f" % (seed, g))
        check(s["edge_constant"] == 3, "momentum edge constant %r" % s["edge_constant"])


def adam_eos():
    for seed in (1, 2):
        rows, s = run("adam-eos", "seed=%d" % seed)
        edge = [float(r["edge"]) for r in rows]
        raw = [float(r["eta"]) * float(r["lambda1"]) / 2 for r in rows]
        lp = [float(r["eta"]) * float(r["lambda_p"]) / 38 for r in rows]
        m = second_half_mean(edge)
        check(s["regime"] == "edge-of-stability", "adam-eos seed %d: %s" % (seed, s["regime"]))
        check(abs(m - 1) < 0.03, "adam-eos seed %d: mean eta lambda_p / 38 = %.4f" % (seed, m))
        check(max(abs(a - b) for a, b in zip(edge, lp)) < 1e-9 * 38,
              "adam-eos seed %d: edge column = eta lambda_p / 38" % seed)
        check(second_half_mean(raw) < 0.8,
              "adam-eos seed %d: raw eta lambda1 / 2 = %.3f" % (seed, second_half_mean(raw)))


def warmup():
    rows, s = run("warmup", "schedule=constant", "warmup_steps=0")
    check(s["regime"] == "divergent", "warmup preset without warmup: %s" % s["regime"])
    rows, s = run("warmup")
    eta = float(rows[-1]["eta"])
    eta_crit = s["eta_crit"]
    check(abs(eta - 4 * eta_crit) < 1e-12 * eta, "warmup reaches 4 eta_crit: %.6g" % (eta / eta_crit))
    bad = [r["step"] for r in rows[1:] if int(r["step"]) <= 100 and
           abs(float(r["eta"]) - (1.6 + (eta - 1.6) * (int(r["step"]) - 1) / 100)) > 1e-12 * eta]
    check(not bad, "warmup eta column = eta_start + (eta - eta_start) t/K (bad steps %s)" % bad[:5])
    lam = float(rows[-1]["lambda1"])
    check(s["regime"] == "catapult", "warmup: %s" % s["regime"])
    check(lam < 2 / eta, "warmup: lambda1 %.4f < 2/eta %.4f at the end" % (lam, 2 / eta))
    check(s["final_loss"] < 1e-20, "warmup: final loss %g" % s["final_loss"])
    check(s["peak_loss"] > 100 * float(rows[0]["loss"]), "warmup: peak %g" % s["peak_loss"])


def sgd_spikes():
    rows, s = run("sgd-spikes")
    spikes = [i for i, r in enumerate(rows) if r["spike"] == "1"]
    check(len(spikes) >= 3 and s["spikes"] == len(spikes), "sgd-spikes: %d spikes" % len(spikes))
    eb = [float(r["eta"]) * float(r["lambda_batch"]) / 2 if i else 0 for i, r in enumerate(rows)]
    full = max(float(r["eta"]) * float(r["lambda1"]) / 2 for r in rows)
    check(full < 1, "sgd-spikes: full kernel eta lambda1 / 2 at most %.3f" % full)
    check(all(eb[i] > 1 for i in spikes),
          "sgd-spikes: every spike's batch has eta lambda_batch / 2 > 1: %s"
          % ["%.2f" % eb[i] for i in spikes])
    loss = [float(r["loss"]) for r in rows]
    up = [loss[i] / loss[i - 1] for i in range(2, len(rows)) if eb[i] > 1.2]
    down = [loss[i] / loss[i - 1] for i in range(2, len(rows)) if eb[i] < 0.8]
    check(sum(up) / len(up) > 1.5 and sum(down) / len(down) < 1,
          "sgd-spikes: mean loss growth %.2f where eta lambda_batch / 2 > 1.2, %.2f where < 0.8"
          % (sum(up) / len(up), sum(down) / len(down)))
    check(s["regime"] not in ("chaotic", "oscillating"), "sgd-spikes: %s" % s["regime"])


for part in (warmup, sgd_spikes, adam_eos, momentum_eos):
    part()
print("optim_presets: %d failure(s)" % failures)
sys.exit(1 if failures else 0)
