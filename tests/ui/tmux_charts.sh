#!/bin/sh
# tmux_charts.sh NQMTOP [TMUX_LIB]: the charts tell the truth on real
# screens, at 80x24, 100x30 and 120x40 (tmux sessions of those sizes):
#   - a log loss axis cut short marks the cut: arrows on its bottom row and
#     the smallest loss in the bottom frame (linear-1d: the loss grows from
#     0.026 to 1e20, the axis shows its top ten decades);
#   - lambda charts frame the data and the nearer threshold, the other an
#     arrow label (catapult-multi-1d: lambda1 5.25 -> 4.7 across 2/eta =
#     4.88; 4/eta = 9.76 is off the chart), and labels never share a row;
#   - T1..T4 sit in the bottom frame row, the same columns on every chart of
#     a column of charts, and the band shows the peak;
#   - the header names 4/lambda1(0) for what it is (tanh-1d) and calls it
#     eta_max where theory does (catapult-1d, the relu NQM);
#   - titles carry the current values; , moves a cursor whose step the
#     status line names; L turns the time axis logarithmic;
#   - the default pace shows a catapult in slow motion; --set steps=N is
#     run to its end; a preset's models = net,quad,lin run side by side.
# Exit 77 (skipped) when tmux is not installed.
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-charts charts

# start NAME COLSxROWS ARGS...: nqmtop ARGS in a fresh session
start() {
    name=$1 size=$2
    shift 2
    echo "stage $name $size"
    tmux_session "$name" "$size" \
        "cd '$dir' && HOME='$dir' XDG_CONFIG_HOME='$dir/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 '$nqmtop' $*; sleep 60"
    wait_for '^ step [0-9]+' 30
}

# rows_with PATTERN: the screen's rows matching it
rows_with() { screen | grep -E -- "$1"; }

# The bottom frame rows of the charts whose top frames begin in column 0.
left_bottoms() { screen | grep -E '^└'; }

# --- a cut log axis says so -------------------------------------------------
for size in 80x24 100x30 120x40; do
    start cut-$size $size --preset linear-1d
    wait_for 'DIVERGED' 30
    # the loss chart's bottom frame names the smallest loss below the axis
    left_bottoms | head -n 1 | grep -q '↓0.026' ||
        fail "$size: the loss chart's bottom frame does not say the axis cut at 0.026"
    # and the steps below it are arrows on the plot's bottom row
    row=$(screen | grep -n -E '^└' | head -n 1 | cut -d: -f1)
    screen | sed -n "$((row - 2))p" | grep -q '↓↓↓↓↓' ||
        fail "$size: no arrows where the loss lies below the axis"
done

# --- lambda charts frame the data and the nearer threshold --------------------
for size in 80x24 100x30 120x40; do
    start frame-$size $size --preset catapult-multi-1d
    wait_for 'step (2[0-9]|[3-9][0-9]|[0-9]{3})' 60
    rows_with '┌ λ1' >/dev/null || fail "$size: no lambda1 chart"
    # 4/eta = 9.76 lies off the lambda1 frame: a label with an arrow
    screen | grep -q '4/η↑' || fail "$size: 4/η is not marked above the chart"
    # no tick label reaches 10 (the old axis ran 0 to 10)
    rows_with '│ *10┤' >/dev/null && fail "$size: a lambda axis still stretches to 10"
    # two threshold labels never meet on one row of one chart
    for side in 's/││.*//' 's/.*││//'; do
        screen | sed "$side" | grep -Eq '2/η.*4/η|4/η.*2/η' &&
            fail "$size: two threshold labels share a row"
    done
    # the ticks of lambda1 lie between 4.5 and 5.5
    ticks=$(screen | sed -n 's/^│ *\([0-9.]*\)┤.*/\1/p' | tail -n 4)
    for t in $ticks; do
        awk -v t="$t" 'BEGIN { exit !(t >= 4 && t <= 6) }' ||
            fail "$size: lambda tick $t outside the data's frame"
    done
done

# --- boundaries under the band, the same on every chart ----------------------
for size in 80x24 120x40; do
    start bounds-$size $size --preset catapult-1d
    wait_for 'END' 60
    # byte offsets of T1..T4 in each bottom frame (the rows' prefixes are
    # alike, so equal offsets are equal columns)
    marks=$(left_bottoms | awk '{ print index($0, "T1"), index($0, "T2"), index($0, "T3"), index($0, "T4") }')
    first=$(printf '%s\n' "$marks" | head -n 1)
    case $first in 0\ *) fail "$size: no T1 in the bottom frame" ;; esac
    [ "$(printf '%s\n' "$marks" | sort -u | wc -l)" -eq 1 ] ||
        fail "$size: boundaries differ between charts: $(echo $marks)"
    screen | grep -E '^│ +[░▓▒]' | grep -q 'T1' && fail "$size: T labels cover the band"
    screen | grep -q '▓' || fail "$size: the band shows no peak"
done

# --- labels that mean what they say ------------------------------------------
start tanh 120x40 --preset tanh-1d
screen | head -n 1 | grep -q 'η_max' && fail "tanh-1d: the header calls 4/λ1(0) η_max"
screen | head -n 1 | grep -q '4/λ₁(0)=' || fail "tanh-1d: the header lacks 4/λ₁(0)"
start relu 80x24 --preset catapult-1d
screen | head -n 1 | grep -q 'η_max=3.527' || fail "catapult-1d at 80x24: no η_max = 4/λ1(0)"

# --- readouts, cursor, log time ------------------------------------------------
start readout 100x30 --preset catapult-1d
wait_for 'END' 60
rows_with '┌ loss [0-9.e-]+ ' >/dev/null || fail "the loss title carries no value"
rows_with '┌ λ1 [0-9.e-]+ ' >/dev/null || fail "the lambda1 title carries no value"
rows_with 'peak 55\.1 at 6' >/dev/null || fail "the status line lacks the peak (55.1 at 6)"
tm send-keys -t charts ','
wait_for 'cursor at step [0-9]+'
cursor=$(screen | sed -n 's/.*cursor at step \([0-9]*\).*/\1/p' | head -n 1)
[ "$cursor" -lt 50 ] || fail "the cursor did not move back from the end ($cursor)"
screen | grep -q '┊' || fail "no cursor column on the charts"
tm send-keys -t charts '/' '/' '/'
wait_gone 'cursor at step'
tm send-keys -t charts 'L'
sleep 0.5
left_bottoms | head -n 1 | grep -Eq '─1─+2─' || fail "L: no 1 and 2 beside each other on a log time axis"

# --- pace and length ----------------------------------------------------------
start pace 100x30 --preset catapult-1d
sleep 1.5
step=$(step_now)
[ "$step" -le 14 ] || fail "the catapult ran past step $step within 1.5 s: no slow motion"
start length 100x30 --preset catapult-1d --set steps=140
wait_for 'END of 140 steps' 60
screen | grep -q 'settled' && fail "--set steps=140 was cut short by the settle"

# --- models side by side --------------------------------------------------------
start models 120x40 --preset generalization-digits
screen | head -n 1 | grep -q 'net/quad/lin' || fail "generalization-digits runs one model"
start test-set 120x40 --preset generalization-digits --set models=quad
wait_for 'test loss [0-9.e-]+, [0-9.]+% right' 30
rows_with 'train .* test' >/dev/null || fail "no test curve on the loss chart"
echo "charts: all checks passed"
