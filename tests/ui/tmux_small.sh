#!/bin/sh
# tmux_small.sh NQMTOP PYTHON [TMUX_LIB]: the screen read back from real
# terminals of 80x24, 100x30 and 120x40, in UTF-8 and in ASCII (-U): the
# key bar always ends in "? help  q quit"; the help box holds every key
# with every word of its text (nothing cut mid-word) and the line on
# eta_crit and eta_max; a status note (gqm-j3's refused theory overlay,
# 75 characters) is on screen whole; the preset picker's descriptions
# start in one column, cut at words; ASCII writes 1.50*eta_crit, never
# 1.50.eta_crit; below the minimum size the screen says the size needed
# and the size it is. screen_check.py (beside this script) reads the
# screens. Exit 77 (skipped) without tmux or python3.
set -u
nqmtop=$1 python=$2
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
checker=$(dirname "$0")/screen_check.py
case $checker in /*) ;; *) checker=$PWD/$checker ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${3:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-small small
"$python" -c 'import sys' 2>/dev/null || { echo "python3 is not installed: skipped"; exit 77; }
"$nqmtop" --help >"$dir/help.txt"
"$nqmtop" --list-presets >"$dir/presets.txt"

# check WHAT ARG: screen_check.py on the screen as it is now
check() {
    screen >"$dir/screen.txt"
    "$python" "$checker" "$1" "$dir/screen.txt" "$2" >"$dir/check.txt" 2>&1 ||
        fail "$stage: $(head -n 1 "$dir/check.txt")"
}

# start NAME SIZE FLAGS...: nqmtop in a fresh session
start() {
    stage=$1
    size=$2
    shift 2
    echo "stage $stage"
    tmux_session "$stage" "$size" \
        "cd '$dir' && LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 '$nqmtop' $*; sleep 60"
    wait_for '^ step [0-9]+'
}

for size in 80x24 100x30 120x40; do
    for glyphs in utf8 ascii; do
        flag=""
        [ "$glyphs" = ascii ] && flag=-U
        start "$size-$glyphs" "$size" $flag --preset catapult-1d
        screen | tail -n 1 | grep -Eq '\? help  q quit *$' || fail "$stage: no '? help  q quit' in the key bar"
        if [ "$glyphs" = ascii ]; then
            screen | grep -Eq '[0-9]\.eta_crit' && fail "$stage: a number joined to eta_crit by '.'"
            screen | head -n 1 | grep -q '1\.50\*eta_crit' || fail "$stage: no 1.50*eta_crit in the header"
        fi
        tm send-keys -t small '?'
        wait_for 'any key closes this help'
        check help "$dir/help.txt"
        tm send-keys -t small x
        wait_gone 'any key closes this help'
        tm send-keys -t small p
        wait_for 'presets: '
        check picker "$dir/presets.txt"

        start "$size-$glyphs-gqm" "$size" $flag --preset gqm-j3
        tm send-keys -t small t
        wait_for 'theory overlay:'
        check text "theory overlay: the dynamics equations describe the two-layer NQM, not gqm"
        screen | tail -n 1 | grep -Eq '\? help  q quit *$' || fail "$stage: the note took '? help  q quit'"
    done
    for small in 15x6 30x8; do
        tm resize-window -t small -x "${small%x*}" -y "${small#*x}"
        wait_for "${small}"
        check text "terminal too small: needs at least 20x9, this is $small"
    done
done
echo "ok: key bar, help, status note, picker, ASCII header and too small at 80x24, 100x30, 120x40"
exit 0
