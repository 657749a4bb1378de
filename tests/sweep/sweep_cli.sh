#!/bin/bash
# sweep_cli.sh NQMTOP PRESET_DIR: --sweep from the outside.
#
# The three formats of one sweep agree record for record (one per grid
# point and model), the summary is JSON with the regime map; a sweep
# stopped by SIGINT exits 130 leaving only complete records, as many as
# its summary says; a batch run with a test set has the test columns;
# every bad sweep option exits 2 with one line on stderr and nothing on
# stdout; --eta-max doubles its upper end past 4 eta_crit when that trains.
set -u
nqmtop=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
preset_dir=$2
failures=0
work=$(mktemp -d /tmp/nqmtop-sweep-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || true)

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# ---- formats ----------------------------------------------------------------------
grid=(--preset catapult-1d --set models=quad,lin --steps 150 --sweep eta_rel=0.5:2.5:5
      --sweep width=200:800:2 --jobs 2)
for fmt in tsv csv jsonl; do
    "$nqmtop" --batch "${grid[@]}" --format "$fmt" --summary "$work/$fmt.json" \
        >"$work/out.$fmt" 2>"$work/err.$fmt" || fail "$fmt: exit $?: $(cat "$work/err.$fmt")"
done
[ "$(wc -l <"$work/out.tsv")" -eq 21 ] || fail "tsv: $(wc -l <"$work/out.tsv") lines, want 1 + 20"
[ "$(wc -l <"$work/out.jsonl")" -eq 20 ] || fail "jsonl: want 20 records"
head -n 1 "$work/out.tsv" | grep -q "^point	grid_eta_rel	grid_width	model	" || fail "tsv header"
awk -F'\t' 'NR == 1 { n = NF } NF != n { exit 1 }' "$work/out.tsv" || fail "ragged tsv"
if [ -n "$python" ]; then
    "$python" - "$work" <<'PY' || fail "formats or summary disagree"
import csv, json, sys
w = sys.argv[1]
def key(r): return (int(r["point"]), r["model"])
def timeless(r): return {k: v for k, v in r.items() if k != "seconds"}  # three separate runs
t = {key(r): timeless(r) for r in csv.DictReader(open(w + "/out.tsv"), delimiter="\t")}
c = {key(r): timeless(r) for r in csv.DictReader(open(w + "/out.csv"))}
j = {}
for line in open(w + "/out.jsonl"):
    o = json.loads(line, parse_constant=lambda x: (_ for _ in ()).throw(ValueError(x)))
    j[(o["point"], o["model"])] = o
assert set(t) == set(c) == set(j) and len(t) == 20, (len(t), len(c), len(j))
for k in t:
    assert t[k] == c[k], k
    for name, text in t[k].items():
        v = j[k][name]
        if isinstance(v, str):
            assert v == text, (k, name)
        elif v is None:
            assert text in ("nan", "inf", "-inf"), (k, name, text)
        else:
            assert float(text) == v, (k, name, text, v)
s = json.load(open(w + "/jsonl.json"))
assert s["results"] == s["expected"] == 20 and not s["interrupted"], s
m = s["regime_map"]
assert len(m["quad"]) == 2 and all(len(row) == 5 for row in m["quad"]), m
assert m["quad"][0][0] == "." and m["quad"][0][2] == "c" and m["quad"][0][4] == "x", m
assert m["lin"][1] == ".oxxx", m  # at eta_crit exactly: the period-2 cycle of a linear model
assert len(s["scaling"]) == 2 * 5, s["scaling"]
PY
fi

# ---- the bifurcation view: the uv model's route to chaos ---------------------------------
# Late values of g over eta: 1 branch (converged), 2 and 4 (period doubling), then a spread;
# counted here from the records themselves and compared with the summary's branches.
"$nqmtop" --batch --preset uv-1d --set width=16 --set y=8 --steps 4000 --jobs 2 \
    --sweep eta_rel=0.4:0.85:10 --bifurcation g:64 --summary "$work/bif.json" >"$work/bif.tsv" \
    2>"$work/bif.err" || fail "bifurcation: exit $?: $(cat "$work/bif.err")"
head -n 1 "$work/bif.tsv" | grep -qx "point	grid_eta_rel	model	seed	step	g	sweep" ||
    fail "bifurcation header: $(head -n 1 "$work/bif.tsv")"
if [ -n "$python" ]; then
    "$python" - "$work" <<'PY' || fail "bifurcation records"
import csv, json, sys
w = sys.argv[1]
rows = list(csv.DictReader(open(w + "/bif.tsv"), delimiter="\t"))
by_point = {}
for r in rows:
    by_point.setdefault(int(r["point"]), []).append((int(r["step"]), float(r["g"])))
assert sorted(by_point) == list(range(10)), sorted(by_point)
def branches(values):
    values = sorted(values)
    top = max(abs(values[0]), abs(values[-1]))
    return 1 + sum(1 for a, b in zip(values, values[1:]) if b - a > 1e-6 * top)
got = []
for p in range(10):
    steps = [s for s, _ in by_point[p]]
    assert steps == list(range(3937, 4001)), (p, steps[:3], steps[-3:])
    got.append(branches([g for _, g in by_point[p]]))
assert got[:7] == [1, 1, 1, 1, 2, 2, 4] and min(got[7:]) > 32, got
s = json.load(open(w + "/bif.json"))["bifurcation"]
assert s["quantity"] == "g" and s["steps"] == 64 and s["branches"]["net"] == got, (s, got)
PY
fi
# --eta-max on a relu net that dies: the failure above eta_max is a collapse
"$nqmtop" --batch --steps 100 --set model=net --set seed=2 --eta-max >"$work/em.tsv" ||
    fail "eta-max collapse: exit $?"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { exit !($c["eta_max_collapsed"] == 1 && $c["eta_max_ratio"] > 2) }' "$work/em.tsv" ||
    fail "eta-max collapse: $(cat "$work/em.tsv")"

# ---- SIGINT: only complete records, as many as the summary says -------------------------
slow=(--preset generalization-synthetic --set width=300 --set models=net,quad --steps 400
      --sweep eta_rel=0.2:2:40 --jobs 2)
"$nqmtop" --batch "${slow[@]}" --summary "$work/int.json" >"$work/int.tsv" 2>"$work/int.err" &
pid=$!
for _ in $(seq 1 2400); do
    [ "$(wc -l <"$work/int.tsv")" -ge 2 ] && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted sweep: exit $rc, want 130"
records=$(($(wc -l <"$work/int.tsv") - 1))
[ "$records" -ge 1 ] && [ "$records" -lt 80 ] || fail "interrupted sweep: $records records"
awk -F'\t' 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad || NR < 2 }' "$work/int.tsv" ||
    fail "interrupted sweep: an incomplete record"
[ -z "$(tail -c 1 "$work/int.tsv")" ] || fail "interrupted sweep: the last line is cut"
grep -q "interrupted: $records of 80 results written" "$work/int.err" ||
    fail "interrupted sweep: stderr $(cat "$work/int.err")"
if [ -n "$python" ]; then
    "$python" -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["interrupted"] and s["results"] == int(sys.argv[2]), s' "$work/int.json" "$records" ||
        fail "interrupted sweep: summary"
fi
echo "interrupted after $records of 80 results: exit $rc, every record complete"

# ---- a run with a test set --------------------------------------------------------------
"$nqmtop" --batch --preset generalization-digits --steps 2 --format csv >"$work/g.csv" 2>&1 ||
    fail "generalization-digits: $(cat "$work/g.csv")"
head -n 1 "$work/g.csv" | grep -q ',test_loss,test_accuracy,phase$' || fail "no test columns"
"$nqmtop" --batch --preset catapult-1d --steps 2 | head -n 1 | grep -q test_loss &&
    fail "test columns without a test set"

# ---- refused: exit 2, one line on stderr, nothing on stdout --------------------------------
bad() {
    local what=$1 pattern=$2
    shift 2
    "$nqmtop" "$@" >"$work/bad.out" 2>"$work/bad.err" </dev/null
    local code=$?
    [ "$code" -eq 2 ] || fail "$what: exit $code"
    [ ! -s "$work/bad.out" ] || fail "$what: wrote to stdout"
    [ "$(wc -l <"$work/bad.err")" -eq 1 ] || fail "$what: stderr $(cat "$work/bad.err")"
    grep -Eq -- "$pattern" "$work/bad.err" || fail "$what: '$(cat "$work/bad.err")' lacks '$pattern'"
}
bad "bifurcation quantity" "^nqmtop: --bifurcation: 'x' is not g, loss or lambda1" --batch \
    --sweep eta_rel=1:2:2 --bifurcation x
bad "bifurcation K" "^nqmtop: --bifurcation: K must be" --batch --sweep eta_rel=1:2:2 \
    --bifurcation g:0
bad "bifurcation with eta-max" "^nqmtop: --bifurcation: not with --eta-max" --batch \
    --bifurcation g --eta-max
bad "unknown key" "--sweep: widht: unknown key" --batch --sweep widht=1:2:3
bad "word key" "--sweep: model: not a numeric key" --batch --sweep model=1:2:3
bad "two fields" "expected FROM:TO:N" --batch --sweep width=1:2
bad "three axes" "at most two axes" --batch --sweep width=1:2:2 --sweep eta_rel=1:2:2 --sweep n=1:2:2
bad "same key twice" "--sweep: width: swept twice" --batch --sweep width=1:2:2 --sweep width=3:4:2
bad "out of range value" "^nqmtop: --sweep: width: .*out of range" --batch --sweep width=0:10:3
bad "eta with --eta-max" "--eta-max finds eta itself" --batch --eta-max --sweep eta_rel=1:2:2
bad "repeats" "--repeats: 'x' is not a whole number" --batch --repeats x
bad "jobs" "--jobs: '0' is not a whole number" --batch --sweep width=1:2:2 --jobs 0
bad "summary exists" "exists; use --force" --batch --sweep width=10:20:2 --summary "$work/tsv.json"

# ---- --eta-max past 4 eta_crit: the upper end doubled, then bisected ---------------------
# lin for 6 steps on one example trains up to about 31.5 eta_crit: the
# bisection's first upper end (4) and its doubles 8 and 16 still train.
# Independently: a run at the measured eta trains, one 1 % above diverges.
"$nqmtop" --batch --eta-max --sweep width=100:100:1 --set model=lin --set steps=6 >"$work/emax" ||
    fail "eta-max past 4: exit $?"
rel=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i }
                   NR == 2 && $h["bracketed"] == 1 { print $h["eta_rel"] }' "$work/emax")
awk -v r="${rel:-0}" 'BEGIN { exit !(r > 16 && r < 32) }' ||
    fail "eta-max past 4: eta_rel ${rel:-none}, want a bracketed value in 16..32"
regime() {
    "$nqmtop" --batch --steps 6 --set model=lin --set width=100 --set eta_rel="$1" --summary - |
        sed -n 's/.*"regime": *"\([a-z-]*\)".*/\1/p' | head -n 1
}
above=$(awk -v r="${rel:-0}" 'BEGIN { printf "%.17g", 1.01 * r }')
[ "$(regime "$rel")" != divergent ] && [ "$(regime "$above")" = divergent ] ||
    fail "eta-max past 4: at $rel $(regime "$rel"), at $above $(regime "$above")"
echo "eta-max past 4 eta_crit: $rel (trains), 1 % above diverges"

# ---- the sweep view in a real terminal (tmux), when there is one ------------------------
if command -v tmux >/dev/null 2>&1; then
    sock="$work/tmux"
    tmux -S "$sock" -f /dev/null new-session -d -x 100 -y 30 \
        "cd '$work' && '$nqmtop' --preset catapult-1d --set models=quad,lin --steps 150 \
         --sweep eta_rel=0.5:2.5:5 --jobs 2; echo exit=\$? > '$work/view.rc'; sleep 30"
    for _ in $(seq 1 100); do
        tmux -S "$sock" capture-pane -p >"$work/screen" 2>/dev/null
        grep -q "10/10 runs.*done" "$work/screen" && break
        sleep 0.1
    done
    grep -q "best test loss\|final loss vs eta_rel" "$work/screen" || fail "sweep view: no curve"
    tmux -S "$sock" send-keys v
    sleep 0.5
    tmux -S "$sock" capture-pane -p >"$work/screen"
    grep -q "regime map: quad" "$work/screen" || fail "sweep view: v shows no map"
    grep -Eq '^(│|[|]) +[.]+c+x+ +(│|[|])$' "$work/screen" ||
        fail "sweep view: map row $(grep -m1 '[.][.][.]' "$work/screen")"
    tmux -S "$sock" send-keys e
    sleep 0.5
    tmux -S "$sock" send-keys q
    for _ in $(seq 1 50); do [ -s "$work/view.rc" ] && break; sleep 0.1; done
    grep -q "exit=0" "$work/view.rc" 2>/dev/null || fail "sweep view: $(cat "$work/view.rc" 2>&1)"
    exported=$(ls "$work"/nqmtop-sweep-catapult-1d-*.csv 2>/dev/null | head -n 1)
    [ -n "$exported" ] && [ "$(grep -vc '^#' "$exported")" -eq 11 ] || fail "sweep view: export"
    head -n 1 "$exported" | grep -q '^# nqmtop .*, commit .*; OpenBLAS ' ||
        fail "sweep view: the export's first line: $(head -n 1 "$exported")"
    grep -qx '# resolved from preset catapult-1d, every key included' "$exported" ||
        fail "sweep view: the export lacks its configuration"
    figure=${exported%.csv}.svg
    [ -s "$figure" ] && grep -q '<metadata>nqmtop ' "$figure" && tail -n 1 "$figure" | grep -q '</svg>' ||
        fail "sweep view: no figure with its metadata beside the export"
    tmux -S "$sock" kill-server 2>/dev/null
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
