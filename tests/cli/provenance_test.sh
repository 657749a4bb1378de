#!/bin/sh
# provenance_test.sh NQMTOP: what made an output is in it. A batch summary
# names nqmtop's version and commit as --version prints them, the OpenBLAS
# core and its threads, and the resolved configuration as preset text;
# --rerun of the summary reproduces the records byte for byte (a mixture,
# a CSV data set with its test split, SGD batches; --set on top applies);
# a sweep summary and the SVG figures carry the same; a summary without a
# configuration is refused with one line, exit 2.
set -u
nqmtop=$1
work=$(mktemp -d /tmp/nqmtop-prov-XXXXXX)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1 LC_ALL=C XDG_CONFIG_HOME="$work/config" HOME="$work"
status=0
fail() { echo "FAIL: $*"; status=1; }

version=$("$nqmtop" -V | sed -n '1s/^nqmtop \([^ ]*\) (commit \([^)]*\))$/\1 \2/p')
core=$("$nqmtop" -V | sed -n '2s/^OpenBLAS core \([^ ]*\) .*/\1/p')
[ -n "$version" ] && [ -n "$core" ] || fail "--version: $("$nqmtop" -V)"
set -- $version
echo "$2" | grep -Eq '^([0-9a-f]{40}(-dirty)?|unknown)$' || fail "commit '$2'"

n=0
for run in "--preset catapult-multi-1d --set seed=7 --steps 60" \
    "--preset generalization-digits --steps 30" \
    "--preset catapult-multi-1d --set batch_size=16 --steps 40"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$nqmtop" $run --batch --summary "$work/s$n.json" --plot "$work/p$n.svg" >"$work/a$n.tsv" ||
        fail "$run: exit $?"
    grep -q "\"provenance\": {\"nqmtop\": \"$1\", \"commit\": \"$2\", \"openblas_core\": \"$core\", \"openblas_threads\": [1-9][0-9]*, \"configuration\": \"# " \
        "$work/s$n.json" || fail "$run: the summary's provenance: $(grep provenance "$work/s$n.json" | cut -c1-200)"
    "$nqmtop" --rerun "$work/s$n.json" --batch >"$work/b$n.tsv" || fail "--rerun s$n.json: exit $?"
    cmp -s "$work/a$n.tsv" "$work/b$n.tsv" || fail "$run: the re-run's records differ"
    grep -q "<metadata>nqmtop $1, commit $2; OpenBLAS $core, [0-9]* threads\{0,1\}" "$work/p$n.svg" ||
        fail "$run: the figure's metadata"
    grep -q "^model = " "$work/p$n.svg" || fail "$run: no configuration in the figure's metadata"
done
"$nqmtop" --rerun "$work/s1.json" --set steps=20 --batch >"$work/c.tsv" || fail "--rerun --set: exit $?"
head -n 22 "$work/a1.tsv" | cmp -s - "$work/c.tsv" || fail "--rerun --set steps=20: not the first 20 steps"
"$nqmtop" --preset catapult-1d --steps 20 --sweep eta_rel=0.5:2:3 --batch --summary "$work/sw.json" \
    >/dev/null || fail "sweep: exit $?"
grep -q "\"provenance\": {\"nqmtop\": \"$1\", \"commit\": \"$2\"" "$work/sw.json" ||
    fail "the sweep summary has no provenance"
echo '{"preset": "x"}' >"$work/bare.json"
"$nqmtop" --rerun "$work/bare.json" --batch >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
    grep -q "bare.json: no configuration in it" "$work/err" || fail "a bare summary: exit $rc, $(cat "$work/err")"
[ $status -eq 0 ] && echo "provenance: summaries, figures and 3 re-runs reproduced"
exit $status
