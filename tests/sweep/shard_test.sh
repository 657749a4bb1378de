#!/bin/bash
# shard_test.sh NQMTOP: a sweep split over processes and put together.
#
# A sweep run whole and the same sweep as 3 shards (separate processes,
# in shuffled order, one shard in each record format) merged give the
# same records and summary, the per-seed records as well; a Slurm job
# array's task variables pick the same shard as --shard; a sweep stopped
# by SIGTERM and resumed gives the records of the whole sweep; merging
# refuses a run given twice, a missing shard, records of another sweep
# and records of means; taskset -c 0 runs one job at a time.
set -u
nqmtop=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
failures=0
work=$(mktemp -d /tmp/nqmtop-shard-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C
export OPENBLAS_NUM_THREADS=1 NQMTOP_THREADS=1
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_STEP
python=$(command -v python3 || true)
[ -n "$python" ] || { echo "SKIP: no python3"; exit 77; }

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# same A B: the records of two tsv files agree line for line, the
# timings (seconds, seconds_sd) left out; prints the lines compared.
same() {
    "$python" - "$1" "$2" <<'PY'
import sys
def table(path):
    lines = open(path).read().split("\n")
    head = lines[0].split("\t")
    keep = [i for i, name in enumerate(head) if name not in ("seconds", "seconds_sd")]
    return ["\t".join(f[i] for i in keep) for f in (l.split("\t") for l in lines if l)]
a, b = table(sys.argv[1]), table(sys.argv[2])
for i, (x, y) in enumerate(zip(a, b)):
    assert x == y, "line %d differs:\n%s\n%s" % (i + 1, x, y)
assert len(a) == len(b) and len(a) > 1, (len(a), len(b))
print(len(a))
PY
}

# ---- 3 shards merged = the whole sweep ------------------------------------------------
grid=(--preset catapult-1d --set models=quad,lin --steps 120 --sweep eta_rel=0.5:2.5:5
      --sweep width=100:400:3 --repeats 3)
"$nqmtop" --batch "${grid[@]}" --jobs 1 --summary "$work/whole.json" >"$work/whole.tsv" ||
    fail "whole sweep: exit $?"
"$nqmtop" --batch "${grid[@]}" --jobs 1 --per-seed >"$work/whole-seeds.tsv" ||
    fail "whole per-seed sweep: exit $?"
formats=(tsv csv jsonl)
order=$(shuf -e 1 2 3 | tr '\n' ' ')
for i in $order; do
    fmt=${formats[i - 1]}
    "$nqmtop" --batch "${grid[@]}" --shard "$i/3" --format "$fmt" --jobs 2 \
        >"$work/shard$i.$fmt" 2>"$work/shard$i.err" || fail "shard $i: exit $?"
done
shards=("$work/shard3.jsonl" "$work/shard1.tsv" "$work/shard2.csv")
"$nqmtop" --merge "${shards[@]}" "${grid[@]}" --summary "$work/merged.json" \
    >"$work/merged.tsv" 2>"$work/merge.err" || fail "merge: exit $?: $(cat "$work/merge.err")"
n=$(same "$work/whole.tsv" "$work/merged.tsv") || fail "merged records differ from the whole sweep"
echo "shards run in the order $order; merged records identical: $n lines compared"
"$nqmtop" --merge "${shards[@]}" "${grid[@]}" --per-seed >"$work/merged-seeds.tsv" ||
    fail "merge --per-seed: exit $?"
n=$(same "$work/whole-seeds.tsv" "$work/merged-seeds.tsv") ||
    fail "merged per-seed records differ from the whole sweep's"
echo "merged per-seed records identical: $n lines compared"
runs=$(($(wc -l <"$work/shard1.tsv") + $(wc -l <"$work/shard2.csv") + $(wc -l <"$work/shard3.jsonl") - 2))
[ "$runs" -eq 90 ] || fail "the shards hold $runs runs, want 5 x 3 x 2 x 3 = 90"
"$python" - "$work/whole.json" "$work/merged.json" <<'PY' || fail "merged summary differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
timing = ("seconds", "jobs")
keys = [k for k in a if k not in timing]
assert sorted(keys) == sorted(k for k in b if k not in timing), (sorted(a), sorted(b))
for k in keys:
    assert a[k] == b[k], (k, a[k], b[k])
assert a["results"] == 30 and len(a["sweep"]) == 16 and a["scaling"], a
print("merged summary identical: %d members compared (regime map, scaling fits, provenance)"
      % len(keys))
PY

# ---- a Slurm job array's task is the shard ------------------------------------------------
SLURM_ARRAY_TASK_ID=6 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_STEP=2 \
    "$nqmtop" --batch "${grid[@]}" --jobs 2 >"$work/slurm.tsv" 2>"$work/slurm.err" ||
    fail "slurm shard: exit $?"
grep -q "shard 2/3 from SLURM_ARRAY_TASK_ID=6, SLURM_ARRAY_TASK_COUNT=3" "$work/slurm.err" ||
    fail "slurm shard: stderr $(cat "$work/slurm.err")"
"$python" - "$work/shard2.csv" "$work/slurm.tsv" <<'PY' || fail "the Slurm task's records differ from --shard 2/3"
import csv, sys
def runs(path, **kw):
    return sorted(tuple(v for k, v in r.items() if k != "seconds")
                  for r in csv.DictReader(open(path), **kw))
assert runs(sys.argv[1]) == runs(sys.argv[2], delimiter="\t")
PY

# ---- stopped by SIGTERM, resumed -----------------------------------------------------------
means=(--preset generalization-synthetic --set width=100 --set models=net,quad --steps 60
       --sweep eta_rel=0.2:2:6 --repeats 2 --jobs 1)
slow=("${means[@]}" --per-seed)
"$nqmtop" --batch "${slow[@]}" >"$work/slow-whole.tsv" || fail "slow sweep: exit $?"
"$nqmtop" --batch "${slow[@]}" >"$work/stopped.tsv" 2>"$work/stopped.err" &
pid=$!
for _ in $(seq 1 600); do
    [ "$(wc -l <"$work/stopped.tsv")" -ge 4 ] && break
    sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "stopped sweep: exit $rc, want 130"
kept=$(($(wc -l <"$work/stopped.tsv") - 1))
[ "$kept" -ge 3 ] && [ "$kept" -lt 24 ] || fail "stopped sweep: $kept runs"
# a record cut off by SIGKILL is left out, with a note
cp "$work/stopped.tsv" "$work/cut.tsv"
tail -n 1 "$work/slow-whole.tsv" | head -c 40 >>"$work/cut.tsv"
"$nqmtop" --batch "${slow[@]}" --resume "$work/cut.tsv" >"$work/resumed.tsv" \
    2>"$work/resumed.err" || fail "resume: exit $?: $(cat "$work/resumed.err")"
grep -q "cut.tsv:$((kept + 2)): the last record is cut off" "$work/resumed.err" ||
    fail "resume: no note of the cut record: $(cat "$work/resumed.err")"
grep -q -- "--resume: $kept of 24 runs read back, $((24 - kept)) left to run" "$work/resumed.err" ||
    fail "resume: $(cat "$work/resumed.err")"
n=$(same "$work/slow-whole.tsv" "$work/resumed.tsv") || fail "resumed sweep differs from the whole"
echo "stopped after $kept of 24 runs, resumed: $n lines identical to the whole sweep"
# without --per-seed the resumed sweep writes the means, as the whole one
"$nqmtop" --batch "${means[@]}" --resume "$work/stopped.tsv" >"$work/resumed-means.tsv" \
    2>/dev/null || fail "resume to means: exit $?"
"$nqmtop" --merge "$work/slow-whole.tsv" "${means[@]}" >"$work/slow-means.tsv" ||
    fail "merge of one file: exit $?"
n=$(same "$work/slow-means.tsv" "$work/resumed-means.tsv") || fail "resumed means differ"
echo "resumed without --per-seed: $n lines identical to the whole sweep's means"

# ---- refused --------------------------------------------------------------------------
bad() {
    local what=$1 pattern=$2
    shift 2
    "$nqmtop" "$@" >"$work/bad.out" 2>"$work/bad.err" </dev/null
    local code=$?
    [ "$code" -eq 2 ] || fail "$what: exit $code"
    [ ! -s "$work/bad.out" ] || fail "$what: wrote to stdout"
    [ "$(wc -l <"$work/bad.err")" -eq 1 ] || fail "$what: $(wc -l <"$work/bad.err") lines on stderr"
    grep -q -- "$pattern" "$work/bad.err" || fail "$what: stderr $(cat "$work/bad.err")"
}
bad "a shard twice" "shard1.tsv:2: point [0-9]*, model [a-z]*, repeat [0-9] again (first at .*shard1.tsv:2)" \
    --merge "$work/shard1.tsv" "$work/shard2.csv" "$work/shard1.tsv" "${grid[@]}"
bad "a shard missing" "30 of 90 runs missing, the first point 0, model quad, repeat 2" \
    --merge "$work/shard1.tsv" "$work/shard2.csv" "${grid[@]}"
"$nqmtop" --batch "${grid[@]/120/121}" --shard 3/3 >"$work/other.tsv"
bad "another sweep's shard" "other.tsv:2: a record of sweep .*, but .*shard1.tsv holds sweep" \
    --merge "$work/shard1.tsv" "$work/shard2.csv" "$work/other.tsv" "${grid[@]}"
bad "other options" "a record of sweep .*, but these options make sweep" \
    --merge "$work/other.tsv" "${grid[@]}"
bad "means" "a record of the mean over 3 repeats" --merge "$work/whole.tsv" "${grid[@]}"
bad "no files" "--merge needs the record files" --merge "${grid[@]}"
bad "no sweep" "--shard needs the sweep's options" --batch --shard 1/2
bad "shard 4/3" "--shard: '4/3' is not I/N" --batch "${grid[@]}" --shard 4/3
bad "shard x" "--shard: '1/x' is not I/N" --batch "${grid[@]}" --shard 1/x
bad "bifurcation" "does not go with --bifurcation" --batch "${grid[@]}" --bifurcation g --shard 1/2
export SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_COUNT=3
bad "slurm id" "SLURM_ARRAY_TASK_ID=7 does not fit the array" --batch "${grid[@]}"
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT

# ---- the affinity mask sets the default --jobs --------------------------------------------
if command -v taskset >/dev/null; then
    taskset -c 0 "$nqmtop" --batch "${grid[@]}" --summary "$work/one.json" >/dev/null ||
        fail "taskset: exit $?"
    "$python" -c 'import json, sys; j = json.load(open(sys.argv[1]))["jobs"]; assert j == 1, j' \
        "$work/one.json" || fail "taskset -c 0: not one job"
    if [ "$(nproc --all)" -ge 2 ] && taskset -c 0,1 true 2>/dev/null; then
        taskset -c 0,1 "$nqmtop" --batch "${grid[@]}" --summary "$work/two.json" >/dev/null
        "$python" -c 'import json, sys; j = json.load(open(sys.argv[1]))["jobs"]; assert j == 2, j' \
            "$work/two.json" || fail "taskset -c 0,1: not two jobs"
    fi
    echo "taskset -c 0: 1 job"
fi

[ "$failures" -eq 0 ] || exit 1
echo "shard test: all passed"
