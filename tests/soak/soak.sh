#!/bin/sh
# soak.sh NQMTOP [STEPS] [UI_SECONDS]: long-run memory check, run by hand
# (it takes minutes, so it is not part of the test suite). Prints the
# resident memory of
#   1. a batch run of STEPS steps (default 10^7) of theory-1d, sampled every
#      few seconds from /proc;
#   2. the TUI on catapult-multi-1d (n = 128, m = 5000) in a tmux pane for
#      UI_SECONDS seconds (default 300), sampled the same way;
# and fails if the last sample exceeds the first taken after warm-up by
# more than 2 MB.
set -u
nqmtop=$1 steps=${2:-10000000} ui_seconds=${3:-300}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# watch PID LABEL: sample until the process ends; prints the samples.
watch() {
    pid=$1 label=$2 first="" last="" t=0
    while kill -0 "$pid" 2>/dev/null; do
        kb=$(rss_kb "$pid")
        [ -n "$kb" ] || break
        [ $t -eq 5 ] && first=$kb
        last=$kb
        [ $((t % 30)) -eq 0 ] && echo "$label t=${t}s rss=${kb} kB"
        sleep 1
        t=$((t + 1))
    done
    echo "$label: after warm-up ${first:-?} kB, last ${last:-?} kB, ${t}s"
    [ -n "$first" ] && [ -n "$last" ] && [ $((last - first)) -le 2048 ]
}

status=0
"$nqmtop" --preset theory-1d --batch --steps "$steps" >/dev/null &
watch $! "batch theory-1d $steps steps" || status=1
wait

if command -v tmux >/dev/null; then
    sock=nqmtop-soak-$$
    tmux -L "$sock" new-session -d -x 160 -y 50 "$nqmtop --preset catapult-multi-1d"
    sleep 1
    pid=$(pgrep -n -f "nqmtop --preset catapult-multi-1d")
    ( sleep "$ui_seconds"; tmux -L "$sock" send-keys q ) &
    watch "$pid" "TUI catapult-multi-1d ${ui_seconds}s" || status=1
    tmux -L "$sock" kill-server 2>/dev/null
fi
exit $status
