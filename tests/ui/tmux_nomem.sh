#!/bin/sh
# tmux_nomem.sh NQMTOP FAILMALLOC_SO [TMUX_LIB]: failed allocations. nqmtop
# runs from a shell in a detached 120x40 tmux pane with FAILMALLOC_SO
# preloaded (tests/ui/failmalloc.c): while the file "arm" exists, every
# allocation of 256 KiB or more fails. At width 100000 the model's
# vectors (800 KB) are over that limit, the 120x40 screen (38 KB) is not.
#
# Armed from the start: nqmtop says what it could not allocate, exits 1,
# and the terminal is as before. Armed mid-run: R (a new seed, so new
# model buffers) leaves the old run going with "out of memory" on the
# status line; a resize to 400x120 (a 384 KB screen) shows a one-line
# "out of memory for a 400x120 screen" instead of the charts; disarmed,
# the charts come back at 400x120, R restarts, and q exits 0 leaving a
# sane terminal.
# Exit 77 (skipped) when tmux is not installed.
set -u

nqmtop=$1 shim=$2
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
case $shim in /*) ;; *) shim=$PWD/$shim ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${3:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-nomem nomem

seed_now() { screen | sed -n 's/^ subcritical-1d .* seed \([0-9]*\) .*/\1/p' | head -n 1; }
run="FAILMALLOC_MIN=262144 FAILMALLOC_ARM='$dir/arm' LD_PRELOAD='$shim' '$nqmtop' --preset subcritical-1d --set width=100000 --set steps=100000"

echo "stage start"
shell_start nomem 120x40

echo "stage armed from the start"
touch "$dir/arm"
enter "$run 2>start.err; echo EXIT=\$? >start.exit"
wait_file "$dir/start.exit" 30
grep -qx 'EXIT=1' "$dir/start.exit" || fail "armed start: $(cat "$dir/start.exit")"
grep -q 'out of memory for a width-100000' "$dir/start.err" ||
    fail "armed start said: $(cat "$dir/start.err")"
enter "stty -a >start.stty"
wait_file "$dir/start.stty"
sane "$dir/start.stty" "after the failed start"

echo "stage armed mid-run: restart"
rm -f "$dir/arm"
enter "clear; $run; echo EXIT=\$? >run.exit; stty -a >run.stty"
wait_for '^ step [0-9]+ ' 60
wait_step_past 5
seed=$(seed_now)
[ -n "$seed" ] || fail "no seed on the status line"
touch "$dir/arm"
tm send-keys -t nomem R
wait_for 'out of memory for a width-100000'
[ "$(seed_now)" = "$seed" ] || fail "the seed changed although the restart failed"
s=$(step_now)
wait_step_past "$s"

echo "stage armed mid-run: resize"
tm resize-window -t nomem -x 400 -y 120
wait_for '^nqmtop: out of memory for a 400x120 screen$'
screen | grep -q '[┌│└]' && fail "charts drawn without a canvas"

echo "stage disarmed"
rm -f "$dir/arm"
wait_for '^ subcritical-1d '
wait_for '┌ λ2 '
s=$(step_now)
tm send-keys -t nomem R
wait_gone " seed $seed "
wait_gone 'out of memory'
[ "$(step_now)" -lt "$s" ] || fail "R did not restart: step $(step_now) after $s"
s=$(step_now)
wait_step_past "$s"

echo "stage quit"
tm send-keys -t nomem q
wait_file "$dir/run.exit"
grep -qx 'EXIT=0' "$dir/run.exit" || fail "q: $(cat "$dir/run.exit")"
wait_file "$dir/run.stty"
sane "$dir/run.stty" "after q"

echo "ok: failed allocations at start, at a restart and at a resize are reported, the run goes on, and the terminal is restored"
exit 0
