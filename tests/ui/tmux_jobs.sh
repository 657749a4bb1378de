#!/bin/sh
# tmux_jobs.sh NQMTOP [TMUX_LIB]: job control. nqmtop runs from an
# interactive shell (sh -i, with job control) in a detached 100x30 tmux
# pane, on subcritical-1d with steps = 100000 so that it steps all along.
#
# Ctrl-Z stops it: the shell says Stopped and prompts again, no chart
# frame is left on the screen, the process is stopped (state T) and the
# terminal's modes are the shell's again (stty -a as before nqmtop ran).
# fg brings it back fully redrawn (every row drawn, the status lines, the
# four chart titles and the key line) and stepping on from where it
# stopped. A second Ctrl-Z, a resize to 80x24 while stopped, and fg: it
# comes back drawn at the new size. Ten more Ctrl-Z and fg in a row: each
# one stops it and brings it back whole. q quits with status 0, leaving the
# shell's screen and a sane terminal (icanon, echo and the rest of stty -a
# as before). Run with SIGTSTP ignored (a parent's choice), Ctrl-Z does
# nothing: it steps on, and q quits with status 0.
# No valgrind run: valgrind (3.19) does not stop its client on SIGTSTP,
# neither by the default action nor when a handler raises it again.
# Exit 77 (skipped) when tmux is not installed. TMUX_LIB is
# tests/tmux_lib.sh, the shared helpers (by default the one beside this
# script's folder).
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-jobs jobs

# The nqmtop process: the descendant of the pane's shell that runs it.
nqmtop_pid() {
    pids=$(tm display -p -t jobs '#{pane_pid}')
    for _ in 1 2 3 4; do
        pids=$(for p in $pids; do pgrep -P "$p"; done)
        for p in $pids; do
            case $(tr '\000' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
            *--preset\ subcritical-1d*) echo "$p"; return 0 ;;
            esac
        done
    done
    return 1
}
state() { sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1; }
# drawn ROWS: the whole UI is on screen, every one of its ROWS rows.
drawn() {
    wait_for '^ subcritical-1d '
    wait_for '^ step [0-9]+ '
    wait_for '┌ loss '
    wait_for '┌ g '
    wait_for '┌ λ1 '
    wait_for '┌ λ2 '
    wait_for '^ space pause '
    rows=$(screen | grep -c '[^ ]')
    [ "$rows" -eq "$1" ] || fail "$rows of the $1 rows drawn"
}
# ctrl_z: Ctrl-Z gives the shell back (its screen, cleared before each
# fg, then holds one Stopped line), nqmtop stopped.
ctrl_z() {
    tm send-keys -t jobs C-z
    wait_for 'Stopped'
    wait_for "$prompt"
    screen | grep -q '[┌│└]' && fail "a chart frame is left on the shell's screen"
    screen | grep -Eq '^ step [0-9]+ ' && fail "the status line is left on the shell's screen"
    [ "$(state "$pid")" = T ] || fail "nqmtop is not stopped: state $(state "$pid")"
}

echo "stage start"
shell_start jobs 100x30
tr ' ' '\n' <"$dir/before.stty" | grep -qx icanon || fail "the shell's terminal has not icanon"
enter "'$nqmtop' --preset subcritical-1d --set steps=100000"
wait_for '^ step [0-9]+ ' 60
pid=$(nqmtop_pid) || fail "cannot find the nqmtop process"
wait_step_past 5
drawn 30

echo "stage Ctrl-Z"
ctrl_z
stopped=$(state "$pid")
enter "stty -a >stopped.stty"
wait_file "$dir/stopped.stty"
sane "$dir/stopped.stty" "stopped"
sleep 0.3
[ "$(state "$pid")" = "$stopped" ] || fail "nqmtop went on while stopped"

echo "stage fg"
enter "clear; fg"
drawn 30
s=$(step_now)
wait_step_past "$s"

echo "stage resize while stopped"
ctrl_z
tm resize-window -t jobs -x 80 -y 24
enter "clear; fg"
drawn 24
s=$(step_now)
wait_step_past "$s"

echo "stage ten more"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    ctrl_z
    enter "clear; fg"
    drawn 24
done
s=$(step_now)
wait_step_past "$s"

echo "stage quit"
tm send-keys -t jobs q
wait_for "$prompt"
enter 'echo EXIT=$? >quit.exit; stty -a >after.stty'
wait_file "$dir/quit.exit"
wait_file "$dir/after.stty"
grep -qx 'EXIT=0' "$dir/quit.exit" || fail "q: $(cat "$dir/quit.exit")"
screen | grep -q '[┌│└]' && fail "a chart frame is left on the shell's screen after q"
sane "$dir/after.stty" "after q"

echo "stage SIGTSTP ignored"
enter "clear; sh -c 'trap \"\" TSTP; exec \"\$0\" --preset subcritical-1d --set steps=100000' '$nqmtop'; echo EXIT=\$? >ignored.exit"
wait_step_past 5
pid=$(nqmtop_pid) || fail "cannot find the nqmtop process"
tm send-keys -t jobs C-z
sleep 0.5
[ "$(state "$pid")" != T ] || fail "nqmtop stopped although SIGTSTP was ignored"
s=$(step_now)
wait_step_past "$s"
tm send-keys -t jobs q
wait_file "$dir/ignored.exit"
grep -qx 'EXIT=0' "$dir/ignored.exit" || fail "q with SIGTSTP ignored: $(cat "$dir/ignored.exit")"

echo "ok: Ctrl-Z stops with the shell's screen and modes back, fg redraws and steps on (also after a resize while stopped, and ten times in a row), q leaves a sane terminal; an ignored SIGTSTP stays ignored"
exit 0
