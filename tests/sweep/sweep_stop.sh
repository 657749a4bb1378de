#!/bin/sh
# sweep_stop.sh NQMTOP: the first SIGINT or SIGTERM stops a sweep in the
# middle of a step, not at its end: a sweep of runs whose every step takes
# seconds (tanh net, width 100000 on 200 examples) signalled 1.5 s into
# its first run (or 0.3 s, while its model is built) ends within LIMIT
# seconds, exit 130 (a stopped sweep) with "interrupted: 0 of 2 results
# written", and no partial record.
set -u
nqmtop=$1
LIMIT=1.0
work=$(mktemp -d /tmp/nqmtop-sweepstop-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for case in INT:1.5 TERM:1.5 INT:0.3; do
    sig=${case%:*} delay=${case#*:}
    HOME=$work XDG_CONFIG_HOME=$work "$nqmtop" --batch --steps 5 --jobs 1 \
        --set model=net --set activation=tanh --set data=gauss --set n=200 --set width=100000 \
        --sweep eta_rel=0.5:1:2 >"$work/out" 2>"$work/err" &
    pid=$!
    sleep "$delay"
    sent=$(date +%s.%N)
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    took=$(awk -v a="$sent" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    want=130 # a stopped sweep's status, whichever signal stopped it
    [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, want $want: $(cat "$work/err")"
    awk -v t="$took" -v l="$LIMIT" 'BEGIN { exit !(t < l) }' ||
        fail "SIG$sig: the sweep took $took s to stop (more than $LIMIT s)"
    grep -q "interrupted: 0 of 2 results written" "$work/err" ||
        fail "SIG$sig: stderr $(cat "$work/err")"
    [ "$(grep -c . "$work/out")" -le 1 ] || fail "SIG$sig: records of a stopped run: $(cat "$work/out")"
    echo "SIG$sig after $delay s: stopped in $took s, exit $rc"
done
echo "ok: a sweep stops in the middle of a step"
