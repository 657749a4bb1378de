#!/bin/sh
# run_fuzzer.sh FUZZER SEED_CORPUS SEED INPUTS CRASH_DIR: run one libFuzzer
# target for INPUTS inputs from random seed SEED on top of the seed corpus
# (new inputs go to a scratch directory, never into the source tree), so
# the same arguments replay the same inputs. A crash fails the test;
# its input is printed and kept in CRASH_DIR, to be added to the corpus as
# a regression test once fixed.
set -u
fuzzer=$1 seeds=$2 seed=$3 inputs=$4 keep=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
"$fuzzer" -seed="$seed" -runs="$inputs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)" "$work/log"
for f in "$work"/artifacts/*; do
    [ -e "$f" ] || continue
    echo "crash input $(basename "$f"):"
    od -c "$f" | head -n 40
    mkdir -p "$keep" && cp "$f" "$keep/"
    rc=1
done
[ $rc -eq 0 ] || tail -n 60 "$work/log"
exit $rc
