#!/bin/sh
# tmux_term.sh NQMTOP TMUX_LIB: terminals the UI cannot or should not draw
# on in full. TERM=dumb (no cursor addressing) is refused with a message
# and exit status 2, before anything is drawn; on the Linux console
# (TERM=linux, no braille or box-drawing glyphs) the charts are ASCII
# without -U, where another terminal of the same locale gets braille;
# -d 2 trains about 2 steps a second. Exit 77 when tmux is not installed.
set -u
nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "$2"
tmux_setup nqmtop-term term
export XDG_CONFIG_HOME="$dir/config" HOME="$dir" LANG=C.UTF-8 LC_ALL=C.UTF-8

# braille cells are U+2800..U+28FF: E2 A0..A3 xx in UTF-8
braille() { screen | LC_ALL=C grep -c "$(printf '\342[\240-\243]')"; }

tmux_session dumb 100x30 "sh -c 'TERM=dumb \"$nqmtop\"; echo \"exit=\$?\"; sleep 30'"
wait_for "exit=2"
screen | grep -q "the terminal 'dumb' (TERM) cannot move the cursor" || fail "TERM=dumb: no message"
echo "TERM=dumb: refused, exit status 2"

tmux_session unicode 100x30 "\"$nqmtop\" --preset catapult-1d; sleep 30"
wait_for "step [0-9]"
sleep 1
[ "$(braille)" -gt 0 ] || fail "a UTF-8 terminal draws no braille"
echo "TERM=$(tm show-options -gv default-terminal 2>/dev/null || echo screen): $(braille) lines with braille"

tmux_session linux 100x30 "sh -c 'TERM=linux \"$nqmtop\" --preset catapult-1d; sleep 30'"
wait_for "step [0-9]"
sleep 1
[ "$(braille)" -eq 0 ] || fail "TERM=linux: $(braille) lines with braille"
screen | LC_ALL=C grep -q "$(printf '\342\224')" && fail "TERM=linux: box-drawing characters"
echo "TERM=linux: ASCII, no braille"

tmux_session slow 100x30 "\"$nqmtop\" --preset catapult-1d -d 2; sleep 30"
wait_for "step [0-9]"
first=$(step_now)
sleep 3
last=$(step_now)
steps=$((last - first))
[ "$steps" -ge 3 ] && [ "$steps" -le 9 ] || fail "-d 2: $steps steps in 3 s"
echo "-d 2: $steps steps in 3 s"
