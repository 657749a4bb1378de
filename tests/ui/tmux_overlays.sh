#!/bin/sh
# tmux_overlays.sh NQMTOP PYTHON [TMUX_LIB]: compare mode with the theory
# overlay (c, t on catapult-1d) read back from real terminals of 80x24,
# 100x30 and 120x40, with colour and UTF-8 and without colour in ASCII
# (-C -U): every chart's legend names net, quad, lin and theory, each
# after its own mark (* o x @), and the loss chart's curves carry every
# mark, so the four curves differ without colour; c on gqm-j3 is refused
# with a note naming gqm, and the header never claims net/quad/lin.
# screen_check.py (beside this script) reads the screens. Exit 77
# (skipped) without tmux or python3.
set -u
nqmtop=$1 python=$2
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
checker=$(dirname "$0")/screen_check.py
case $checker in /*) ;; *) checker=$PWD/$checker ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${3:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-overlays overlays
"$python" -c 'import sys' 2>/dev/null || { echo "python3 is not installed: skipped"; exit 77; }

check() {
    screen >"$dir/screen.txt"
    "$python" "$checker" "$1" "$dir/screen.txt" "$2" >"$dir/check.txt" 2>&1 ||
        fail "$stage: $(head -n 1 "$dir/check.txt")"
}

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
    for look in colour plain; do
        flags=""
        [ "$look" = plain ] && flags="-C -U"
        start "$size-$look" "$size" $flags --preset catapult-1d
        tm send-keys -t overlays c
        wait_for 'net/quad/lin'
        tm send-keys -t overlays t
        wait_for '\+theory'
        wait_step_past 20
        check legend '*:net,o:quad,x:lin,@:theory'
        check marks '*ox@'

        start "$size-$look-gqm" "$size" $flags --preset gqm-j3
        tm send-keys -t overlays c
        wait_for 'compare:'
        check text "compare: net, quad and lin are models of the two-layer network, not of gqm"
        screen | head -n 1 | grep -q 'net/quad/lin' && fail "$stage: the header claims net/quad/lin"
    done
done
echo "ok: compare and theory curves told apart, legends whole, gqm refused, at 80x24, 100x30, 120x40"
exit 0
