#!/bin/sh
# stdin_test.sh NQMTOP: a CSV data set given as train_file = - or
# /dev/stdin is read from standard input once: piped, its records are
# byte for byte those of the same file named; a sweep's runs share the one
# read; a preset file in another folder that says train_file = - reads
# stdin, not a file named - beside it; a second file given as stdin is
# refused with one line, exit 2, nothing on stdout.
set -u
nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
work=$(mktemp -d /tmp/nqmtop-stdin-XXXXXX)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1 LC_ALL=C XDG_CONFIG_HOME="$work/config" HOME="$work"
status=0
fail() { echo "FAIL: $*"; status=1; }
cd "$work" || exit 1

awk 'BEGIN { for (i = 0; i < 40; i++) { y = i % 2 ? 1 : -1
    printf "%.3f,%.3f,%.3f,%d\n", y * 0.5 + sin(i), y * 0.3 + cos(3 * i), sin(7 * i), y } }' >d.csv
set -- "$nqmtop" --batch --steps 6 --set data=csv --set test_fraction=0.25
"$@" --set train_file=d.csv >named.tsv || fail "named file: exit $?"
[ "$(wc -l <named.tsv)" -eq 8 ] || fail "named file: $(wc -l <named.tsv) lines"
for name in - /dev/stdin; do
    cat d.csv | "$@" --set train_file=$name >piped.tsv 2>err || fail "$name piped: exit $?"
    cmp -s named.tsv piped.tsv || fail "$name piped: $(diff named.tsv piped.tsv | head -n 3) $(cat err)"
    "$@" --set train_file=$name <d.csv >redirected.tsv || fail "$name redirected: exit $?"
    cmp -s named.tsv redirected.tsv || fail "$name redirected differs"
done

cat d.csv | "$@" --set train_file=- --sweep eta_rel=0.5:1.5:3 --jobs 2 >sweep.tsv 2>err ||
    fail "sweep over piped data: exit $? $(cat err)"
[ "$(wc -l <sweep.tsv)" -eq 4 ] || fail "sweep over piped data: $(wc -l <sweep.tsv) lines"

mkdir elsewhere
printf 'data = csv\ntrain_file = -\ntest_fraction = 0.25\nsteps = 6\n' >elsewhere/p.preset
"$nqmtop" --batch --preset elsewhere/p.preset --steps 6 <d.csv >preset.tsv 2>err ||
    fail "a preset's train_file = -: exit $? $(cat err)"
[ "$(wc -l <preset.tsv)" -eq 8 ] || fail "a preset's train_file = -: $(cat err)"

cat d.csv | "$@" --set train_file=- --set test_fraction=0 --set test_file=- >out 2>err
rc=$?
[ "$rc" -eq 2 ] || fail "stdin twice: exit $rc"
[ ! -s out ] || fail "stdin twice wrote records"
[ "$(wc -l <err)" -eq 1 ] && grep -q '^-: standard input was read already' err ||
    fail "stdin twice: $(cat err)"
exit $status
