#!/bin/sh
# tmux_keys.sh NQMTOP [TMUX_LIB]: the keys that come as escape sequences,
# through curses to the key table, in a real terminal: in the preset
# picker Down and Up move by one (Up from the first wraps to the last),
# End and PgDn go to the last preset, Home and PgUp to the first (as
# --list-presets orders them); in a demo Right goes to the next scene and
# Left back. Exit 77 (skipped) when tmux is not installed.
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-keys keys
env="HOME='$dir' XDG_CONFIG_HOME='$dir' LANG=C.UTF-8 LC_ALL=C.UTF-8"
HOME=$dir XDG_CONFIG_HOME=$dir "$nqmtop" --list-presets | awk '{ print $1 }' >"$dir/names"
first=$(head -n 1 "$dir/names") second=$(sed -n 2p "$dir/names") last=$(tail -n 1 "$dir/names")

# KEY NAME: after KEY the picker's chosen row is NAME.
chosen() {
    tm send-keys -t keys "$1"
    wait_for "> $2( |\$)" 5
    echo "$1: $2"
}

tmux_session picker 120x40 "cd '$dir' && $env '$nqmtop' --preset '$first'; sleep 30"
wait_for ' step [0-9]' 30
tm send-keys -t keys p
wait_for 'presets:' 5
chosen End "$last"
chosen Home "$first"
chosen Down "$second"
chosen Up "$first"
chosen Up "$last"
chosen PPage "$first"
chosen NPage "$last"
tm send-keys -t keys Escape
wait_gone 'presets:' 5

tmux_session demo 120x40 "cd '$dir' && $env '$nqmtop' --demo catapult-tour; sleep 30"
wait_for '─ 1/[0-9]+ ' 30
tm send-keys -t keys Right
wait_for '─ 2/[0-9]+ ' 10
tm send-keys -t keys Left
wait_for '─ 1/[0-9]+ ' 10
echo "ok: Up, Down, Home, End, PgUp, PgDn in the picker; Right and Left in a demo"
