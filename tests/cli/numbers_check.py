#!/usr/bin/env python3
"""numbers_check.py NQMTOP: every number nqmtop writes in batch records
(tsv, csv, jsonl), batch and sweep summaries and sweep records is in the
shortest form that reads back exactly: as many significant digits as
Python's repr of the same double, which is the shortest round trip. A
given eta = 0.41 comes out as 0.41 (it was 0.40999999999999998).

Exit status 1 and one line per problem on failure; stdlib only.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
problems = []


def significant(text):
    """The significant digits of a decimal number's text."""
    mantissa = re.split("[eE]", text.lstrip("+-"))[0].replace(".", "")
    return mantissa.lstrip("0").rstrip("0") or "0"


def check_token(where, text):
    if not NUMBER.match(text):
        return
    value = float(text)
    if not math.isfinite(value):
        return
    shortest = significant(repr(value))
    if len(significant(text)) != len(shortest):
        problems.append(f"{where}: {text} is not the shortest form ({repr(value)})")


def check_json_text(where, text):
    """Numbers as they stand in the JSON text (json.loads would round them)."""
    json.loads(text)  # strict JSON: raises on NaN or Infinity
    stripped = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    for token in re.findall(r"[-+0-9.eE]+", stripped):
        if token not in ("1e999", "-1e999") and re.search(r"\d", token):
            check_token(where, token)


def check_delimited(where, text, sep):
    for n, line in enumerate(text.splitlines()[1:], 2):
        for field in line.split(sep):
            check_token(f"{where}:{n}", field)


def run(nqmtop, args, cwd):
    p = subprocess.run([nqmtop] + args, cwd=cwd, capture_output=True, text=True,
                       env=dict(os.environ, OPENBLAS_NUM_THREADS="1", LC_ALL="C"))
    if p.returncode != 0:
        problems.append(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def main():
    nqmtop = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as work:
        base = ["--batch", "--steps", "12", "--set", "eta=0.41"]
        tsv = run(nqmtop, base + ["--preset", "catapult-multi-1d"], work)
        check_delimited("tsv", tsv, "\t")
        etas = {line.split("\t")[1] for line in tsv.splitlines()[1:]}
        if etas != {"0.41"}:
            problems.append(f"tsv: eta = 0.41 is written as {sorted(etas)}")
        check_delimited("csv", run(nqmtop, base + ["--format", "csv"], work), ",")
        jsonl = run(nqmtop, base + ["--format", "jsonl", "--summary", "s.json"], work)
        for n, line in enumerate(jsonl.splitlines(), 1):
            check_json_text(f"jsonl:{n}", line)
        with open(os.path.join(work, "s.json"), encoding="utf-8") as f:
            check_json_text("summary", f.read())
        # a divergent run reaches 1e28 and more: exponents compacted, still shortest
        blow = run(nqmtop, ["--batch", "--steps", "60", "--set", "eta_rel=3", "--format",
                            "jsonl"], work)
        for n, line in enumerate(blow.splitlines(), 1):
            check_json_text(f"divergent jsonl:{n}", line)
        sweep = run(nqmtop, ["--batch", "--steps", "8", "--sweep", "eta=0.1:0.5:3",
                             "--format", "csv", "--summary", "w.json", "--jobs", "1"], work)
        check_delimited("sweep csv", sweep, ",")
        with open(os.path.join(work, "w.json"), encoding="utf-8") as f:
            check_json_text("sweep summary", f.read())
    for p in problems[:40]:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
