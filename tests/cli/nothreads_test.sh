#!/bin/sh
# nothreads_test.sh NQMTOP FAILTHREADS: with no thread to be had (every
# pthread_create fails, through the preloaded library), a sweep of two
# jobs runs its runs on the calling thread and a run of two core threads
# keeps to one: every record the same as with threads, bit for bit (the
# sweep's in point order, its seconds column left out), status 0.
set -u
nqmtop=$1 lib=$2
work=$(mktemp -d /tmp/nqmtop-nothreads-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { # NAME PRELOAD ARGS...
    name=$1 preload=$2
    shift 2
    OPENBLAS_NUM_THREADS=1 NQMTOP_THREADS=2 HOME="$work" XDG_CONFIG_HOME="$work" \
        LD_PRELOAD=$preload "$nqmtop" "$@" >"$work/$name" 2>"$work/$name.err" ||
        fail "$name: exit $?: $(cat "$work/$name.err")"
    [ -s "$work/$name.err" ] && fail "$name: $(cat "$work/$name.err")"
    return 0
}
# the sweep's records without the seconds column, in point order
points() {
    awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") s = i }
                 { out = ""; for (i = 1; i <= NF; i++) if (i != s) out = out $i "\t"; print out }' "$1" |
        sort -n
}
sweep="--batch --steps 30 --sweep eta_rel=0.5:1.5:3 --jobs 2 --set data=gauss --set n=20 --set width=3000"
run sweep "" $sweep
run sweep1 "$lib" $sweep
[ "$(grep -c . "$work/sweep1")" -eq 4 ] || fail "the sweep without threads: $(cat "$work/sweep1")"
[ "$(points "$work/sweep")" = "$(points "$work/sweep1")" ] ||
    fail "the sweep without threads differs: $(diff "$work/sweep" "$work/sweep1")"
single="--batch --steps 20 --set data=gauss --set n=30 --set width=40000 --set activation=tanh"
run single "" $single
run single1 "$lib" $single
cmp -s "$work/single" "$work/single1" ||
    fail "the run without threads differs: $(diff "$work/single" "$work/single1" | head -4)"
echo "ok: a sweep of 3 points and a run of 21 records without threads, the same as with them"
