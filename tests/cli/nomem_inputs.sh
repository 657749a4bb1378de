#!/bin/sh
# nomem_inputs.sh NQMTOP FAILMALLOC: a failed allocation while the inputs
# are read (the settings file, the preset and its --set assignments, CSV
# and gzip-compressed IDX data, a sweep's grid) is not bad input. The
# preloaded malloc refuses every allocation, however small, made from main
# on after the first K (K = 0, 1, 2 ... until a run needs no more than K):
# each run ends with status 1 and a message saying out of memory, or, when
# what was refused could be done without, status 0; never status 2, never
# a crash.
set -u
nqmtop=$1 lib=$2
work=$(mktemp -d /tmp/nqmtop-nominputs-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/nqmtop"
printf 'speed = 40\n' >"$work/nqmtop/config"
failures=0 points=0

# scan NAME ARGS...: every failure point of nqmtop ARGS
scan() {
    name=$1
    shift
    k=0
    while [ "$k" -le 5000 ]; do
        rm -f "$work/refused"
        LD_PRELOAD=$lib FAILMALLOC_MIN=1 FAILMALLOC_FROM_MAIN=1 FAILMALLOC_AFTER=$k \
            FAILMALLOC_LOG="$work/refused" OPENBLAS_NUM_THREADS=1 NQMTOP_THREADS=1 \
            HOME="$work" XDG_CONFIG_HOME="$work" "$nqmtop" "$@" >"$work/out" 2>"$work/err" </dev/null
        rc=$?
        if [ ! -e "$work/refused" ]; then
            [ "$rc" -eq 0 ] || { echo "FAIL: $name: nothing refused, exit $rc"; failures=$((failures + 1)); }
            echo "$name: $k failure points"
            points=$((points + k))
            return
        fi
        if ! { [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -q 'out of memory' "$work/err"; }; }; then
            echo "FAIL: $name: K=$k: exit $rc: $(head -c 300 "$work/err")"
            failures=$((failures + 1))
        fi
        k=$((k + 1))
    done
    echo "FAIL: $name: still refusing at K=$k"
    failures=$((failures + 1))
}

scan "preset" --batch --steps 2 --preset catapult-1d --set eta_rel=1.5
scan "show-preset" --show-preset tanh-1d --set data=gauss --set n=20
scan "csv data" --batch --steps 1 --preset generalization-digits --set width=20
scan "sweep grid" --batch --steps 1 --jobs 1 --sweep eta_rel=0.5:1.5:2 --sweep width=10:20:2
fashion=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [ -r "$fashion" ]; then
    scan "gzip idx data" --show-preset generalization-fashion --set n=20 --set test_n=10
else
    echo "gzip idx data: skipped ($fashion is not installed)"
fi
echo "$points failure points, $failures failures"
[ "$failures" -eq 0 ]
