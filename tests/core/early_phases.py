#!/usr/bin/env python3
"""early_phases.py NQMTOP: the early-phases preset swept over eta_rel and
width against the phase diagram of early training (Kalra & Barkeshli
2023) and the NQM's own critical values.

For a wide network the loss catapults as soon as c = eta lambda0 passes
GD's edge 2 (the linearised dynamics are unstable there) and training
diverges near c = 4 (Theorem 1's eta_max = 4 / lambda0); a narrow one
needs a larger c to catapult its loss. From the sweep's summary
(repeats averaged) and records:

- width 512: c_loss in (1.99, 2.6], c_max in (3.4, 4.6] (measured
  (2.00, 2.50] and (3.51, 4.01]);
- width 4: the lower end of its c_loss bracket at or above width 512's
  c_loss (2.73 against 2.50): c_loss grows as the width shrinks;
- width 512 has a loss-only catapult point on the early-phase map, width
  4 none (its loss and sharpness catapult together);
- every record's loss_catapult and sharpness_catapult agree with its
  loss_rise and sharpness_rise (a rise is more than 1 %).
A classification that ignored the sharpness, or called any c > 2 a loss
catapult, fails these checks."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile


def sweep(nqmtop):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "summary.json")
        out = subprocess.run([nqmtop, "--batch", "--preset", "early-phases", "--sweep",
                              "eta_rel=0.5:3:11", "--sweep", "width=4:512:2:log", "--repeats", "2",
                              "--summary", path], capture_output=True, text=True,
                             check=True).stdout
        with open(path) as f:
            summary = json.load(f)
    return list(csv.DictReader(io.StringIO(out), delimiter="\t")), summary


def main():
    records, summary = sweep(sys.argv[1])
    failures = []

    def check(ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            failures.append(what)

    by_width = {round(e["width"]): e for e in summary["early_phases"]}
    wide, narrow = by_width.get(512), by_width.get(4)
    check(wide is not None and narrow is not None, f"early_phases for widths {sorted(by_width)}")
    if wide is None or narrow is None:
        sys.exit(1)
    check(wide["c_loss_below"] > 1.99 and wide["c_loss"] <= 2.6,
          f"width 512: c_loss in ({wide['c_loss_below']:.3f}, {wide['c_loss']:.3f}]")
    check(wide["c_max_below"] > 3.4 and wide["c_max"] <= 4.6,
          f"width 512: c_max in ({wide['c_max_below']:.3f}, {wide['c_max']:.3f}]")
    check(narrow["c_loss_below"] >= wide["c_loss"],
          f"width 4: c_loss in ({narrow['c_loss_below']:.3f}, {narrow['c_loss']:.3f}], "
          f"width 512's at most {wide['c_loss']:.3f}")
    rows = summary["early_phase_map"]["net"]  # one per width, in axis order
    check("l" in rows[-1] and "l" not in rows[0],
          f"a loss-only catapult at width 512 ({rows[-1]}), none at width 4 ({rows[0]})")
    mismatched = 0
    for r in records:
        loss_rise, sharp_rise = float(r["loss_rise"]), float(r["sharpness_rise"])
        if r["loss_catapult"] in ("nan", "") or r["repeats"] != "2":
            continue
        # with two repeats a share is 0, 0.5 or 1; the means of the rises
        # decide only when both repeats agree, which 0 and 1 say
        if r["loss_catapult"] == "1" and not loss_rise > 1.01:
            mismatched += 1
        if r["loss_catapult"] == "0" and not loss_rise <= 1.01:
            mismatched += 1
        if r["sharpness_catapult"] == "1" and not sharp_rise > 1.01:
            mismatched += 1
    check(mismatched == 0, f"{mismatched} records whose catapult shares disagree with their rises")
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
