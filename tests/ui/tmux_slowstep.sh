#!/bin/sh
# tmux_slowstep.sh NQMTOP [TMUX_LIB]: a model whose steps take seconds
# (tanh net, n = 3000 examples: the kernel's eigen-solve and assembly take
# several seconds a step here) still quits at once: q pressed, and SIGTERM
# sent, right after a step has begun end the program within LIMIT seconds
# with status 0 and 143 and the terminal restored (a step waited for takes
# seconds); the status line says at the start that a step may take long. Exit 77 (skipped) when tmux is not installed.
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-slow slow
LIMIT=1.0
slow="--preset catapult-1d --set model=net --set activation=tanh --set data=gauss --set n=3000"

now() { date +%s.%N; }

# Wait (up to a minute) for the step on screen to go past N: the next step
# has then just begun.
next_step() {
    tries=1200
    while [ "$tries" -gt 0 ]; do
        at=$(step_now)
        [ -n "$at" ] && [ "$at" -gt "$1" ] && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "the step never passed $1"
}

# NAME: nqmtop in a fresh session; its exit status, the time it ended and
# the terminal modes after it go to $dir/NAME.exit, NAME.end, NAME.stty.
start() {
    tmux_session "$1" 100x30 \
        "cd '$dir' && trap '' INT TERM && HOME='$dir' XDG_CONFIG_HOME='$dir' sh -c '\"$nqmtop\" $slow; echo EXIT=\$? > $1.status; date +%s.%N > $1.end; stty -a > $1.stty; mv $1.status $1.exit'; sleep 60"
    wait_for ' step [0-9]' 120
}

# The pid of this session's nqmtop.
nqmtop_pid() {
    pgrep -f -n -- "--set n=3000" | while read -r p; do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$nqmtop" ] && echo "$p"
    done | head -n 1
}

# NAME WANT: the program ended with status WANT within LIMIT seconds of
# $sent, the terminal back in its usual modes.
ended() {
    wait_file "$dir/$1.exit" 60
    grep -qx "EXIT=$2" "$dir/$1.exit" || fail "$1: $(cat "$dir/$1.exit"), want EXIT=$2"
    took=$(awk -v a="$sent" -v b="$(cat "$dir/$1.end")" 'BEGIN { printf "%.2f", b - a }')
    awk -v t="$took" -v l="$LIMIT" 'BEGIN { exit !(t < l) }' ||
        fail "$1: took $took s to end (more than $LIMIT s)"
    for mode in icanon echo isig icrnl opost onlcr; do
        grep -Eq "(^| )$mode( |$)" "$dir/$1.stty" || fail "$1: terminal left without $mode"
    done
    echo "$1: ended in $took s, $(cat "$dir/$1.exit")"
}

start quit
screen | grep -q "q quits at once; a step may take about" || fail "no note of the slow step"
step=$(step_now)
next_step "${step:-0}"
sent=$(now)
tm send-keys -t slow q
ended quit 0

start term
step=$(step_now)
next_step "${step:-0}"
pid=$(nqmtop_pid)
[ -n "$pid" ] || fail "no nqmtop process"
sent=$(now)
kill -TERM "$pid"
ended term 143
echo "ok: q and SIGTERM in the middle of a step of several seconds"
