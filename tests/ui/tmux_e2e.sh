#!/bin/sh
# tmux_e2e.sh NQMTOP [TMUX_LIB]: the interactive UI driven end to end in a
# detached tmux session: the screen comes up, + raises eta by 5%, space pauses,
# ? shows the help, c shows the three-model legend, e exports a CSV
# and its figure,
# colours show unless NO_COLOR is set,
# resizes (down to "too small", odd sizes from 1x1 to 500x150, and back)
# keep it drawing, q returns to the
# shell with status 0; Ctrl-C, SIGTERM, SIGHUP and SIGQUIT also restore
# the shell, with status 128 + the signal.
# NQMTOP_TEST_WRAPPER, when set, runs nqmtop under it (e.g.
# "valgrind --error-exitcode=99 --log-file=@DIR@/valgrind-%p.log"; @DIR@
# becomes the test's directory, whose *.log files a failure prints), which
# must then keep every exit status above. Exit 77 (skipped) when tmux is
# not installed. TMUX_LIB is tests/tmux_lib.sh, the shared helpers (by
# default the one beside this script's folder).
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-e2e e2e
wrapper=$(printf '%s' "${NQMTOP_TEST_WRAPPER:-}" | sed "s|@DIR@|$dir|g")
# a failure prints the wrapper's logs too
on_fail() {
    for log in "$dir"/*.log; do
        [ -s "$log" ] && { echo "--- $log ---"; head -n 60 "$log"; }
    done
}
# The nqmtop process of this session's pane (not another test's): the
# first descendant of the pane's shell that is not a shell itself.
nqmtop_pid() {
    pids=$(tm display -p -t e2e '#{pane_pid}')
    for depth in 1 2 3 4; do
        pids=$(for p in $pids; do pgrep -P "$p"; done)
        for p in $pids; do
            cmd=$(tr '\000' ' ' < "/proc/$p/cmdline" 2>/dev/null)
            case $cmd in
            sh\ * | sleep\ *) ;;
            *--preset\ catapult-1d*) echo "$p"; return 0 ;;
            esac
        done
    done
    return 1
}
eta_now() { screen | head -n 1 | sed -n 's/.*η=\([0-9.e+-]*\).*/\1/p'; }

# start NAME [VAR=VALUE...]: nqmtop (with those variables set) in a fresh
# 100x30 session on a tmux server of its
# own (so no server is reused while it shuts down); its exit status goes to
# $dir/NAME.exit. The shells around it ignore SIGINT, as an interactive
# shell would survive a Ctrl-C meant for its foreground program.
start() {
    echo "stage $*"
    name=$1
    shift
    tmux_session "$name" 100x30 \
        "cd '$dir' && trap '' INT && LANG=C.UTF-8 LC_ALL=C.UTF-8 $* sh -c '$wrapper \"$nqmtop\" --preset catapult-1d; echo EXIT=\$? > $name.exit'; sleep 60"
    wait_for '^ step [0-9]+' 60
}

# --- keys, overlays, resizes, quit -------------------------------------
# colour escapes on screen: foreground colours 31..37
colours() { tm capture-pane -e -p -t e2e | grep -c "$(printf '\033')\[3[1-7]m"; }

start keys
[ "$(colours)" -gt 0 ] || fail "no colours on screen"
eta1=$(eta_now)
[ -n "$eta1" ] || fail "no η= in the status line"
tm send-keys -t e2e +
wait_gone "η=$eta1 "
eta2=$(eta_now)
awk -v a="$eta1" -v b="$eta2" 'BEGIN { r = b / a; exit !(r > 1.045 && r < 1.055) }' ||
    fail "+ took η from $eta1 to $eta2, not by a factor 1.05"

tm send-keys -t e2e r # from step 0 again: space pauses (at the end it goes on)
wait_for '^ step [0-9]{1,2} '
tm send-keys -t e2e Space
wait_for 'PAUSED'
s1=$(step_now)
sleep 0.5
s2=$(step_now)
[ "$s1" = "$s2" ] || fail "the step went on while paused ($s1 -> $s2)"
tm send-keys -t e2e .
wait_for "^ step $((s2 + 1))[^0-9]"

tm send-keys -t e2e '?'
wait_for 'any key closes this help'
wait_for 'Ctrl-L +redraw'
tm send-keys -t e2e x
wait_gone 'any key closes this help'

tm send-keys -t e2e c
wait_for 'net.*quad.*lin'
wait_for 'net/quad/lin'

tm send-keys -t e2e e
wait_for 'exported nqmtop-catapult-1d-[0-9]{8}-[0-9]{6}'
csv=$(ls "$dir"/nqmtop-catapult-1d-*.csv 2>/dev/null | head -n 1)
[ -n "$csv" ] || fail "no exported file in $dir"
grep -v '^#' "$csv" | head -n 1 | grep -q '^model,step,steps,eta,loss' ||
    fail "export header: $(grep -v '^#' "$csv" | head -n 1)"
[ -s "${csv%.csv}.svg" ] || fail "no figure beside $csv"
for m in net quad lin; do
    grep -q "^$m,0,1," "$csv" || fail "export lacks step 0 of $m"
done

tm resize-window -t e2e -x 60 -y 20
wait_for '^ step [0-9]+'
tm resize-window -t e2e -x 10 -y 5
wait_for 'too small'
# odd sizes in quick succession, from one cell to very large
for size in 1x1 2x40 300x3 19x8 20x9 21x10 500x150 7x200 133x41 1x1 250x70; do
    tm resize-window -t e2e -x "${size%x*}" -y "${size#*x}"
    sleep 0.05
done
tm resize-window -t e2e -x 100 -y 30
wait_for '^ step [0-9]+'
wait_for 'net.*quad.*lin'

tm send-keys -t e2e q
wait_file "$dir/keys.exit"
grep -qx 'EXIT=0' "$dir/keys.exit" || fail "q: $(cat "$dir/keys.exit")"
wait_gone '^ step [0-9]+'

# --- signals restore the shell ------------------------------------------
start ctrlc
tm send-keys -t e2e C-c
wait_file "$dir/ctrlc.exit"
grep -qx 'EXIT=130' "$dir/ctrlc.exit" || fail "Ctrl-C: $(cat "$dir/ctrlc.exit")"

start term NO_COLOR=1
[ "$(colours)" -eq 0 ] || fail "colours on screen although NO_COLOR is set"
for signal in TERM:15 HUP:1 QUIT:3; do
    sig=${signal%:*}
    [ "$sig" = TERM ] || start "$sig"
    pid=$(nqmtop_pid) || fail "cannot find the nqmtop process"
    kill -s "$sig" "$pid"
    exitfile=$dir/$sig.exit
    [ "$sig" = TERM ] && exitfile=$dir/term.exit
    wait_file "$exitfile"
    want=$((128 + ${signal#*:}))
    grep -qx "EXIT=$want" "$exitfile" || fail "SIG$sig: $(cat "$exitfile"), not $want"
    wait_gone '^ step [0-9]+'
done

echo "ok: keys, help, compare, export, resizes, quit, Ctrl-C, SIGTERM, SIGHUP, SIGQUIT"
exit 0
