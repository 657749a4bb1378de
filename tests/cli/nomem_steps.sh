#!/bin/sh
# nomem_steps.sh NQMTOP FAILMALLOC: a failed allocation at every point of
# a batch run, in turn. The preloaded malloc refuses every allocation of
# 64 KiB or more after the first K (K = 0, 1, 2 ... until a run needs no
# more than K): each run ends with status 1 and one line naming what ran
# out of memory, the records before it whole and in order; one failing in
# step N says "step N failed: out of memory while ..." after the records
# of steps 0 .. N-1. At least one failure falls in a step. A sweep the
# same way: a run failing mid-sweep ends it with exit 1 and one line, the
# results before it whole. (The run has a
# test set and matrix-free eigenpairs; OpenBLAS keeps to one thread, whose
# own failed malloc ends the process.)
set -u
nqmtop=$1 lib=$2
work=$(mktemp -d /tmp/nqmtop-nomemsteps-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $what: K=$k: $*"; exit 1; }

# attempt ARGS...: nqmtop ARGS with every allocation of 64 KiB or more after
# the first K refused; rc, lines and msg say how it ended. Returns 1 once no
# allocation was refused (every point is covered). A refused run must end
# with status 1 and one line saying out of memory, no record cut short.
attempt() {
    rm -f "$work/refused"
    LD_PRELOAD=$lib FAILMALLOC_MIN=65536 FAILMALLOC_AFTER=$k FAILMALLOC_LOG="$work/refused" \
        OPENBLAS_NUM_THREADS=1 NQMTOP_THREADS=1 HOME="$work" XDG_CONFIG_HOME="$work" \
        "$nqmtop" --batch --steps 3 --set data=gauss --set n=300 --set test_n=100 \
        --set model=net --set activation=tanh "$@" >"$work/out" 2>"$work/err"
    rc=$?
    [ -e "$work/refused" ] || return 1
    lines=$(wc -l <"$work/out")
    msg=$(cat "$work/err")
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "not one line: $msg"
    case $msg in
    *"out of memory"*) ;;
    *) fail "the message does not say out of memory: $msg" ;;
    esac
    [ "$rc" -eq 1 ] || fail "exit $rc: $msg"
    [ -z "$(tail -c 1 "$work/out")" ] || fail "a record cut short"
}

what="a run" k=0 stepping=0
while [ "$k" -le 200 ] && attempt --set eig_method=auto; do
    step=$(printf '%s\n' "$msg" | sed -n 's/^nqmtop: step \([0-9]*\) failed: out of memory while .*/\1/p')
    if [ -n "$step" ]; then
        [ "$lines" -eq $((step + 1)) ] || fail "step $step failed after $lines lines"
        awk -v n="$step" 'NR > 1 && $1 != NR - 2 { exit 1 } END { exit NR != n + 1 }' "$work/out" ||
            fail "records out of order"
        stepping=$((stepping + 1))
    elif [ "$lines" -gt 0 ]; then
        fail "records, then a failure that names no step: $msg"
    fi
    k=$((k + 1))
done
[ -e "$work/refused" ] && { echo "FAIL: still refusing at K=$k"; exit 1; }
[ "$rc" -eq 0 ] || { echo "FAIL: the run with nothing refused: exit $rc"; exit 1; }
[ "$stepping" -ge 1 ] || { echo "FAIL: no failure fell in a step"; exit 1; }
echo "a run: $k failure points, $stepping of them in a step, each one line and exit 1"

# A sweep of three runs, one after the other: a run that fails ends it
# with status 1 and one line, the results of the runs before it written
# whole; at least one failure comes after a result.
what="a sweep" points=$k k=0 later=0
while [ "$k" -le 300 ] && attempt --jobs 1 --sweep eta_rel=0.5:1.5:3; do
    [ "$lines" -le 3 ] || fail "$lines lines from a sweep that failed"
    awk -F '\t' 'NR > 1 && $1 != NR - 2 { exit 1 }' "$work/out" || fail "results out of order"
    [ "$lines" -ge 2 ] && later=$((later + 1))
    k=$((k + 1))
done
[ -e "$work/refused" ] && { echo "FAIL: the sweep still refusing at K=$k"; exit 1; }
[ "$rc" -eq 0 ] && [ "$(wc -l <"$work/out")" -eq 4 ] || { echo "FAIL: the sweep: exit $rc"; exit 1; }
[ "$later" -ge 1 ] || { echo "FAIL: no run failed after another's result"; exit 1; }
echo "a sweep: $k failure points, $later of them after a result, each one line and exit 1"
echo "ok: $points + $k failure points"
