#!/bin/sh
# tmux_sweep.sh NQMTOP [TMUX_LIB]: the sweep view's curve read off a real
# screen at 80x24, 100x30 and 120x40, in UTF-8 and in ASCII (-U). A sweep
# of catapult-1d over eta_rel 0.25..3 with net, quad and lin has final
# losses from about 1e-38 up and diverged runs above eta_crit: the y
# labels must be powers of ten one stride apart (none written over
# another), each model's legend entry must show its own mark, and the
# diverged runs must be arrows named "diverged" in the legend. Exit 77
# (skipped) when tmux is not installed.
set -u
nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-sweep sweep

# The labels left of the plot's rows (screen rows 4 .. H-3): blank, or
# 1eN with N going down by one stride; prints what is wrong, if anything.
labels_wrong() {
    screen | awk -v last="$(($2 - 3))" '
        NR >= 4 && NR <= last {
            line = $0; sub(/^(│|\|)/, "", line)
            label = substr(line, 1, 8); gsub(/ /, "", label)
            if (label == "") next
            if (label !~ /^1e-?[0-9]+$/) { print "row " NR ": " label; exit }
            e = substr(label, 3) + 0
            if (n == 1) stride = prev - e
            if (n >= 1 && (prev - e != stride || stride <= 0)) {
                print "row " NR ": " label " after 1e" prev; exit
            }
            prev = e; n++
        }
        END { if (n < 2) print n " labels" }'
}

for size in 80x24 100x30 120x40; do
    for glyphs in utf8 ascii; do
        flag=""
        [ "$glyphs" = ascii ] && flag=-U
        echo "stage $size $glyphs"
        tmux_session "$size-$glyphs" "$size" \
            "cd '$dir' && LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 '$nqmtop' $flag -j 2 --set models=net,quad,lin --set steps=100 --sweep eta_rel=0.25:3:24; sleep 60"
        wait_for ' done ' 60
        wrong=$(labels_wrong "${size%x*}" "${size#*x}")
        [ -z "$wrong" ] || fail "$size $glyphs: y labels: $wrong"
        if [ "$glyphs" = ascii ]; then
            legend='-\*- net  -o- quad  -x- lin  \^ diverged'
        else
            legend='─\*─ net  ─o─ quad  ─x─ lin  ↑ diverged'
        fi
        screen | grep -q -- "$legend" || fail "$size $glyphs: legend is not /$legend/"
        arrow='↑'
        [ "$glyphs" = ascii ] && arrow='\^'
        screen | sed -n 4p | grep -q "$arrow" || fail "$size $glyphs: no arrow on the plot's top row"
    done
done
echo "ok: sweep view labels, marks and diverged runs at 80x24, 100x30, 120x40"
exit 0
