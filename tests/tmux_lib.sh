# tmux_lib.sh: the helpers the end-to-end terminal tests share (sourced by
# tests/ui/tmux_e2e.sh, tests/ui/tmux_jobs.sh and tests/demo/tmux_teach.sh,
# which get its path as an argument from meson). It drives programs in
# detached tmux sessions, one tmux server per stage, and reads their
# screens back.
#
# tmux_setup PREFIX SESSION: exit 77 (skipped) when tmux is not installed;
#     make the scratch folder $dir, removed at exit with every server
#     tmux_session started; SESSION is the session name the helpers use.
# tmux_session NAME COLSxROWS COMMAND: COMMAND in a fresh session of that
#     size on a new server of its own, PREFIX-PID-NAME (no server is reused
#     while it shuts down); the previous stage's server is killed first.
# tm ARGS...: tmux on the current stage's server.
# screen: the pane's text.
# fail MESSAGE: print it, the screen and whatever on_fail adds (a script
#     may redefine on_fail after sourcing); exit 1.
# wait_for PATTERN [SECONDS], wait_gone PATTERN [SECONDS]: poll the screen
#     (every 50 ms, 10 s by default) until grep -E finds PATTERN / no
#     longer finds it; fail when the time runs out.
# wait_file FILE [SECONDS]: poll until FILE exists and is not empty.
# step_now: the step on the status line (" step N ..."), empty if none.
# wait_step_past N: poll (10 s) until the step on screen is beyond N.
#
# For programs run from an interactive shell (sh -i, with job control):
# shell_start NAME COLSxROWS: the shell in $dir in a fresh session, its
#     prompt "NAME$ " (matched alone on its line by $prompt); its terminal
#     modes are saved in $dir/before.stty and, less the size, before.modes.
# enter LINE: a command line for the shell.
# modes FILE: the modes in FILE (saved stty -a) less the size.
# sane FILE WHAT: fail unless FILE has icanon, echo, isig, icrnl, opost and
#     onlcr and the shell's modes from before (WHAT names the moment).
# shellcheck shell=sh

tmux_prefix=none
tmux_target=none
tmux_servers=""
sock=none
dir=""

tm() { tmux -L "$sock" "$@"; }

tmux_cleanup() {
    for lib_server in $tmux_servers; do
        tmux -L "$lib_server" kill-server >/dev/null 2>&1
        rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$lib_server" # tmux leaves its socket
    done
    [ -n "$dir" ] && rm -rf "$dir"
}

tmux_setup() {
    command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipped"; exit 77; }
    tmux_prefix=$1 tmux_target=$2
    dir=$(mktemp -d)
    trap tmux_cleanup EXIT
    trap 'exit 1' INT TERM
}

tmux_session() {
    tm kill-server >/dev/null 2>&1
    sock=$tmux_prefix-$$-$1
    tmux_servers="$tmux_servers $sock"
    tm new-session -d -s "$tmux_target" -x "${2%x*}" -y "${2#*x}" "$3"
}

screen() { tm capture-pane -p -t "$tmux_target" 2>/dev/null; }

on_fail() { :; }

fail() {
    echo "FAIL: $*"
    echo "--- screen ---"
    screen
    on_fail
    exit 1
}

wait_for() {
    tries=$((${2:-10} * 20))
    while [ "$tries" -gt 0 ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "timed out waiting for /$1/"
}

wait_gone() {
    tries=$((${2:-10} * 20))
    while [ "$tries" -gt 0 ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "/$1/ stayed on screen"
}

wait_file() {
    tries=$((${2:-10} * 20))
    while [ "$tries" -gt 0 ]; do
        [ -s "$1" ] && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "$1 never appeared"
}

step_now() { screen | sed -n 's/^ step \([0-9]*\).*/\1/p' | head -n 1; }

wait_step_past() {
    tries=200
    while [ "$tries" -gt 0 ]; do
        lib_step=$(step_now)
        [ -n "$lib_step" ] && [ "$lib_step" -gt "$1" ] && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "the step never passed $1"
}

prompt=none

enter() { tm send-keys -t "$tmux_target" -l "$1" && tm send-keys -t "$tmux_target" Enter; }

modes() { sed 's/rows [0-9]*; columns [0-9]*;//' "$1"; }

shell_start() {
    prompt="^$1[\$] ?\$"
    tmux_session "$1" "$2" \
        "cd '$dir' && HOME='$dir' XDG_CONFIG_HOME='$dir/config' ENV=/dev/null PS1='$1\$ ' LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 sh -i"
    wait_for "$prompt"
    enter "stty -a >before.stty; clear"
    wait_file "$dir/before.stty"
    modes "$dir/before.stty" >"$dir/before.modes"
}

sane() {
    for flag in icanon echo isig icrnl opost onlcr; do
        tr ' ' '\n' <"$1" | grep -qx "$flag" || fail "$2: the terminal has not $flag: $(cat "$1")"
    done
    modes "$1" | cmp -s - "$dir/before.modes" ||
        fail "$2: the terminal's modes differ from the shell's: $(modes "$1" | diff "$dir/before.modes" - | head -n 8)"
}
