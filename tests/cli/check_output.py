"""check_output.py: strict checks of nqmtop's batch output, for cli_test.sh.

    check_output.py records TSV CSV JSONL    the three formats of one run agree
    check_output.py summary SUMMARY JSONL [ETA_REL]
                                             the summary is JSON with every field
                                             and agrees with the records

JSON is parsed strictly (NaN and Infinity are not JSON). Exit status 1 and
one line per problem on failure. Test-only: needs nothing but the stdlib.
"""
import csv
import json
import math
import sys

PHASES = {"monotone", "increasing", "peak", "decreasing", "edge", "oscillating", "chaotic",
          "collapsed", "divergent"}
REGIMES = {"undetermined", "monotone", "catapult", "silent-catapult", "edge-of-stability",
           "oscillating", "chaotic", "collapsed", "divergent"}
SUMMARY_KEYS = [
    "preset", "model", "activation", "loss", "data", "width", "n", "d", "seed", "eta",
    "eta_rel", "eta_crit", "eta_max", "lambda1_0", "lambda2_0", "lambda1_final",
    "lambda2_final", "regime", "why", "peak_step", "peak_loss", "final_loss", "T1", "T2",
    "T3", "T4", "steps", "seconds", "steps_per_second",
]
problems = []


def problem(msg):
    problems.append(msg)


def strict_constant(name):
    raise ValueError("not JSON: " + name)


def load_json(text):
    return json.loads(text, parse_constant=strict_constant)


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                obj = load_json(line)
            except ValueError as e:
                problem(f"{path}:{i}: {e}")
                continue
            if not isinstance(obj, dict):
                problem(f"{path}:{i}: not an object")
                continue
            rows.append(obj)
    return rows


def delimited_number(text):
    if text in ("nan", "inf", "-inf"):
        return float(text)
    return float(text)


def same_number(a, b):
    """a from tsv/csv (nan for missing), b from JSON (None for non-finite)."""
    if b is None:
        return not math.isfinite(a)
    return a == b


def check_records(tsv, csvf, jsonl):
    with open(tsv, encoding="utf-8") as f:
        t_rows = list(csv.reader(f, delimiter="\t"))
    with open(csvf, encoding="utf-8") as f:
        c_rows = list(csv.reader(f))
    j_rows = read_jsonl(jsonl)
    header = t_rows[0]
    if c_rows[0] != header:
        problem(f"csv header {c_rows[0]} != tsv header {header}")
    want = ["step", "eta", "loss", "g", "gnorm", "lambda1", "lambda2"]
    if header[:7] != want or header[-1] != "phase":
        problem(f"header {header}")
    if not (len(t_rows) - 1 == len(c_rows) - 1 == len(j_rows)):
        problem(f"record counts differ: tsv {len(t_rows) - 1} csv {len(c_rows) - 1} "
                f"jsonl {len(j_rows)}")
    for t, (trow, crow, jrow) in enumerate(zip(t_rows[1:], c_rows[1:], j_rows)):
        if trow != crow:
            problem(f"record {t}: tsv {trow} != csv {crow}")
        if len(trow) != len(header):
            problem(f"record {t}: {len(trow)} fields, header has {len(header)}")
            continue
        if list(jrow.keys()) != header:
            problem(f"record {t}: jsonl keys {list(jrow.keys())}")
            continue
        if int(trow[0]) != t or jrow["step"] != t:
            problem(f"record {t}: step {trow[0]} / {jrow['step']}")
        if trow[-1] not in PHASES or jrow["phase"] != trow[-1]:
            problem(f"record {t}: phase {trow[-1]} / {jrow['phase']}")
        for key, text in zip(header[1:-1], trow[1:-1]):
            if not same_number(delimited_number(text), jrow[key]):
                problem(f"record {t}: {key} {text} (tsv) vs {jrow[key]} (jsonl)")


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(abs(a), abs(b))


def check_relations(s, rows, eta_rel):
    first, last = rows[0], rows[-1]
    # the rule's edge c (2 for GD) on lambda1 (adam: on the preconditioned lambda_p)
    c = s.get("edge_constant", 2)
    lam0 = s["lambda_p_0"] if "lambda_p_0" in s else s["lambda1_0"]
    if not (close(s["eta_crit"] * lam0, c) and close(s["eta_max"] * lam0, 2 * c)):
        problem(f"eta_crit {s['eta_crit']}, eta_max {s['eta_max']} vs lambda(0) {lam0}, c {c}")
    if not close(s["eta_rel"] * s["eta_crit"], s["eta"]):
        problem(f"eta_rel {s['eta_rel']} x eta_crit {s['eta_crit']} != eta {s['eta']}")
    if eta_rel is not None and not close(s["eta_rel"], eta_rel):
        problem(f"eta_rel {s['eta_rel']}, the preset asks {eta_rel}")
    if s["lambda1_0"] != first["lambda1"] or s["lambda2_0"] != first["lambda2"]:
        problem("lambda1_0 / lambda2_0 differ from record 0")
    if s["lambda1_final"] != last["lambda1"] or s["lambda2_final"] != last["lambda2"]:
        problem("lambda1_final / lambda2_final differ from the last record")
    if s["final_loss"] != last["loss"] or s["steps"] != last["step"]:
        problem(f"final_loss / steps {s['final_loss']} {s['steps']} vs last record {last}")
    if "schedule" in s:
        if last["eta"] != s["eta_final"]:
            problem("the last record's eta differs from the summary's eta_final")
    elif any(r["eta"] != s["eta"] for r in rows):
        problem("a record's eta differs from the summary's")
    if s["peak_step"] is not None and rows[s["peak_step"]]["loss"] != s["peak_loss"]:
        problem(f"peak_loss {s['peak_loss']} is not the loss of step {s['peak_step']}")
    ts = [s[k] for k in ("T1", "T2", "T3", "T4")]
    if None not in ts and ts != sorted(ts):
        problem(f"T1..T4 out of order: {ts}")
    if s["regime"] not in REGIMES:
        problem(f"regime {s['regime']}")
    if s["seconds"] < 0 or (s["seconds"] > 0 and s["steps"] > 0
                            and not close(s["steps_per_second"] * s["seconds"], s["steps"], 1e-9)):
        problem(f"seconds {s['seconds']} steps_per_second {s['steps_per_second']}")


def check_summary(path, jsonl, eta_rel):
    with open(path, encoding="utf-8") as f:
        try:
            s = load_json(f.read())
        except ValueError as e:
            problem(f"{path}: {e}")
            return
    missing = [k for k in SUMMARY_KEYS if k not in s]
    if missing:
        problem(f"{path}: missing {missing}")
        return
    for k in ("width", "n", "d", "seed", "steps"):
        if not isinstance(s[k], int):
            problem(f"{path}: {k} is not an integer")
    rows = read_jsonl(jsonl)
    if rows:
        check_relations(s, rows, eta_rel)


def main(argv):
    if len(argv) == 5 and argv[1] == "records":
        check_records(argv[2], argv[3], argv[4])
    elif len(argv) in (4, 5) and argv[1] == "summary":
        check_summary(argv[2], argv[3], float(argv[4]) if len(argv) == 5 else None)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
