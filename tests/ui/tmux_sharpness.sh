#!/bin/sh
# tmux_sharpness.sh NQMTOP [TMUX_LIB]: the sharpness on a real screen of
# 120x40. sharpness-vs-kernel (sharpness_every = 1), paused after a few
# steps: the lambda1 chart's legend names the dashed sharpness line, its
# mark h lies on that chart's plot, and the status line gives
# sharp−λ₁ as the batch records of the same step have it (sharpness less
# the top eigenvalue, %+.3g). Without sharpness_every (tanh-1d, and the
# same preset with sharpness_every = 0) none of the three is shown.
# Exit 77 (skipped) when tmux is not installed.
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-sharpness sharpness

# start NAME ARGS...: nqmtop ARGS in a fresh 120x40 session, paused past step 5
start() {
    stage=$1
    shift
    echo "stage $stage"
    tmux_session "$stage" 120x40 \
        "cd '$dir' && HOME='$dir' XDG_CONFIG_HOME='$dir/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 '$nqmtop' $*; sleep 60"
    wait_step_past 5
    tm send-keys -t sharpness Space
    wait_for 'PAUSED'
}

# The plot rows of the lambda1 chart (the left one of its row of charts),
# from its top frame to its bottom frame.
lambda1_chart() { screen | sed 's/││.*//' | sed -n '/^┌ λ1/,/^└/p'; }

# The status line, the one that names the step.
status() { screen | grep -E '^ step [0-9]+ ' | head -n 1; }

start on --preset sharpness-vs-kernel
lambda1_chart | head -n 1 | grep -q ' sharpness ' ||
    fail "the lambda1 chart's legend does not name the sharpness"
lambda1_chart | sed 1d | grep -q 'h' || fail "no sharpness mark h on the lambda1 chart"
step=$(step_now)
shown=$(status | sed -n 's/.*sharp−λ₁=\([^ ]*\).*/\1/p')
[ -n "$shown" ] || fail "the status line has no sharp−λ₁"
OPENBLAS_NUM_THREADS=1 "$nqmtop" --batch --preset sharpness-vs-kernel --steps "$step" >"$dir/records.tsv" ||
    fail "the batch run of $step steps failed"
want=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { top = $col["lambda1"]; if ($col["lambda2"] > top) top = $col["lambda2"]
      gap = sprintf("%+.3g", $col["sharpness"] - top) }
    END { print gap }' "$dir/records.tsv")
[ "$shown" = "$want" ] || fail "step $step: the status line has sharp−λ₁=$shown, the records $want"

# absent NAME ARGS...: nqmtop ARGS shows no sharpness
absent() {
    start "$@"
    lambda1_chart | head -n 1 | grep -q 'sharpness' && fail "$stage: the lambda1 legend names a sharpness"
    lambda1_chart | sed 1d | grep -q 'h' && fail "$stage: a sharpness mark h on the lambda1 chart"
    status | grep -q 'sharp' && fail "$stage: the status line has sharp−λ₁"
}
absent tanh --preset tanh-1d
absent off --preset sharpness-vs-kernel --set sharpness_every=0
echo "sharpness: legend, mark and status gap shown with sharpness_every, absent without"
