#!/bin/sh
# run_fuzzer.sh FUZZER SEED_CORPUS SECONDS CRASH_DIR: run one libFuzzer
# target for a bounded time on top of the seed corpus (new inputs go to a
# scratch directory, never into the source tree). A crash fails the test;
# its input is printed and kept in CRASH_DIR, to be added to the corpus as
# a regression test once fixed.
set -u
fuzzer=$1 seeds=$2 seconds=$3 keep=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
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
