#!/bin/sh
# threads.sh NQMTOP: the same trajectory whatever the thread counts. Each
# preset runs at OPENBLAS_NUM_THREADS=1 and 2 and at NQMTOP_THREADS=1 and
# 2, and every record (eta, loss, g, lambda1, lambda2, the test loss) must
# be the same bit for bit: lambda1(0) sets eta_crit and so eta, and a run
# at the edge of stability magnifies an ulp into another ending. These
# presets each differed before (the eigen-solver's and the test set's
# products were split by OpenBLAS's thread count).
set -u
nqmtop=$1
work=$(mktemp -d /tmp/nqmtop-threads-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_CONFIG_HOME="$work/config" LC_ALL=C
unset NQMTOP_CONFIG
failures=0
for preset in generalization-synthetic generalization-digits cnn-stripes catapult-multi-1d; do
    for threads in "1 1" "2 1" "1 2" "2 2"; do
        set -- $threads
        OPENBLAS_NUM_THREADS=$1 NQMTOP_THREADS=$2 "$nqmtop" --batch --preset "$preset" \
            --steps 8 >"$work/$preset.$1.$2" || { echo "FAIL: $preset: exit $?"; failures=$((failures + 1)); }
    done
    for other in 2.1 1.2 2.2; do
        if ! cmp -s "$work/$preset.1.1" "$work/$preset.$other"; then
            echo "FAIL: $preset: OPENBLAS_NUM_THREADS.NQMTOP_THREADS = $other differs from 1.1:"
            diff "$work/$preset.1.1" "$work/$preset.$other" | head -n 4
            failures=$((failures + 1))
        fi
    done
done
# A sweep runs its points on one BLAS thread each: its point is the run.
OPENBLAS_NUM_THREADS=2 "$nqmtop" --batch --preset generalization-synthetic --steps 8 \
    --sweep eta_rel=1.5:1.5:1 --jobs 2 --format jsonl >"$work/sweep"
OPENBLAS_NUM_THREADS=2 "$nqmtop" --batch --preset generalization-synthetic --steps 8 \
    --format jsonl >"$work/run"
want=$(sed -n '$s/.*"lambda1":\([^,]*\),.*/\1/p' "$work/run")
grep -q "\"lambda1_final\":$want," "$work/sweep" ||
    { echo "FAIL: the sweep's lambda1_final is not the run's $want: $(head -c 400 "$work/sweep")"; failures=$((failures + 1)); }
echo "$failures failures"
[ "$failures" -eq 0 ]
