#!/bin/sh
# tmux_teach.sh NQMTOP [TMUX_LIB]: demos, recordings and the projector view
# in a real terminal (detached tmux sessions).
#
# record:  a session on catapult-multi-1d is recorded while keys change
#          eta mid-run (+, ]), pause, step (.), lower eta (-), resume and
#          pause again, then export the history (e); the preset picker
#          loads catapult-1d, which runs, pauses and is exported too; quit.
# replay:  --replay at 4x with --replay-exports reproduces it: the replay
#          ends at the same step,
#          its own exports (the recorded e's) are byte for byte the
#          recorded ones (every step's eta, loss, g, lambda1, lambda2 as
#          %.17g), and the final screen is the recorded one but for the
#          status line that shows the replay and the export note's file
#          name (its time).
# refuse:  a recording of a newer format is refused: exit 2, one line on
#          stderr naming FILE:1, nothing on stdout; --record does not
#          replace an existing file (exit 2, the file as it was).
# demo:    catapult-tour at 80x24: the first caption shows; n goes to the
#          catapult scene, which pauses at the peak with its caption at
#          the step whose loss is the largest in the --batch records; z shows two charts (loss,
#          lambda1) with the caption still there; b goes back; q quits 0.
# auto:    --demo-auto plays catapult-tour by itself: the pause at the
#          peak goes on after the set time, the divergent scene shows its
#          last caption, and the last scene moves back to the first.
# Exit 77 (skipped) when tmux is not installed. TMUX_LIB is
# tests/tmux_lib.sh, the shared helpers (by default the one beside this
# script's folder).
set -u

nqmtop=$1
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${2:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-teach teach

# start NAME COLSxROWS ARGS...: nqmtop ARGS in a fresh session on a tmux
# server of its own (none is reused while it shuts down); its exit status
# goes to $dir/NAME.exit.
start() {
    name=$1 size=$2
    shift 2
    echo "stage $name"
    tmux_session "$name" "$size" \
        "cd '$dir' && HOME='$dir' XDG_CONFIG_HOME='$dir/config' LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_NUM_THREADS=1 '$nqmtop' $*; echo EXIT=\$? > $name.exit; sleep 60"
}
quit() {
    tm send-keys -t teach q
    wait_file "$dir/$1.exit"
    grep -qx 'EXIT=0' "$dir/$1.exit" || fail "$1: $(cat "$dir/$1.exit")"
}

# --- record ---------------------------------------------------------------
start record 100x30 --preset catapult-multi-1d --record rec.txt
wait_step_past 8
tm send-keys -t teach +
wait_step_past 14
tm send-keys -t teach ']'
wait_step_past 20
tm send-keys -t teach Space
wait_for PAUSED
tm send-keys -t teach . . .
sleep 0.3
tm send-keys -t teach - Space
s=$(step_now)
wait_step_past $((s + 10))
tm send-keys -t teach Space
wait_for PAUSED
tm send-keys -t teach e
wait_for 'exported nqmtop-catapult-multi-1d-'
tm send-keys -t teach p # the preset before catapult-multi-1d by name
wait_for 'presets: '
tm send-keys -t teach Up Enter
wait_for '^ catapult-1d '
wait_step_past 12
tm send-keys -t teach Space
wait_for PAUSED
tm send-keys -t teach e
wait_for 'exported nqmtop-catapult-1d-'
screen | sed -e 2d -e 's/exported nqmtop-[^ ]*[.]csv//' >"$dir/recorded.screen"
final=$(step_now)
quit record
for p in catapult-multi-1d catapult-1d; do
    exported=$(ls "$dir"/nqmtop-$p-*.csv)
    [ "$(echo "$exported" | wc -l)" -eq 1 ] || fail "exports of $p after recording: $exported"
    mv "$exported" "$dir/recorded-$p.csv"
done
grep -q '^key [0-9]* [0-9.]* \]$' "$dir/rec.txt" || fail "no ] key in the recording"
grep -q '^load [0-9]* [0-9.]* catapult-1d$' "$dir/rec.txt" || fail "no load in the recording"
grep -q '^quit ' "$dir/rec.txt" || fail "no quit line in the recording"

# --- replay ---------------------------------------------------------------
start replay 100x30 --replay rec.txt --replay-speed 4 --replay-exports
wait_for 'REPLAY END' 60
[ "$(step_now)" = "$final" ] || fail "the replay ended at step $(step_now), the session at $final"
for p in catapult-multi-1d catapult-1d; do
    replayed=$(ls "$dir"/nqmtop-$p-*.csv 2>/dev/null)
    [ -n "$replayed" ] || fail "the replay did not export $p"
    cmp -s "$dir/recorded-$p.csv" "$replayed" ||
        fail "the replay's numbers of $p differ: $(diff "$dir/recorded-$p.csv" "$replayed" | head -n 4)"
done
rows=$(grep -c '^quad,' "$replayed")
[ "$rows" -gt "$final" ] || fail "the export has $rows rows for $final steps"
screen | sed -e 2d -e 's/exported nqmtop-[^ ]*[.]csv//' >"$dir/replayed.screen"
cmp -s "$dir/recorded.screen" "$dir/replayed.screen" ||
    fail "the final screens differ: $(diff "$dir/recorded.screen" "$dir/replayed.screen" | head -n 6)"
quit replay

# --- a newer format is refused ----------------------------------------------
sed '1s/.*/nqmtop-recording 99/' "$dir/rec.txt" >"$dir/future.txt"
"$nqmtop" --replay "$dir/future.txt" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 2 ] || fail "a newer recording: exit $rc"
[ ! -s "$dir/out" ] || fail "a newer recording wrote to stdout"
[ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q "future.txt:1: recording format 99 is newer" "$dir/err" ||
    fail "a newer recording: $(cat "$dir/err")"

cp "$dir/rec.txt" "$dir/rec.copy"
start exists 80x24 --record rec.txt
wait_file "$dir/exists.exit"
grep -qx 'EXIT=2' "$dir/exists.exit" || fail "--record over a file: $(cat "$dir/exists.exit")"
cmp -s "$dir/rec.txt" "$dir/rec.copy" || fail "--record changed an existing file"

# --- a demo ---------------------------------------------------------------
peak=$("$nqmtop" --batch --preset catapult-1d | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "loss") c = i; next } NR == 2 || $c > top { top = $c; at = $1 } END { print at }')
[ -n "$peak" ] || fail "catapult-1d has no largest loss in --batch"
start demo 80x24 --demo catapult-tour
wait_for '1/4  Below η_crit' 20
wait_for 'the textbook regime'
tm send-keys -t teach n
wait_for '2/4  The catapult' 10
wait_for 'PAUSED' 20
screen | grep -q 'Peak: the loss is at its top' || fail "no peak caption while paused at the peak"
[ "$(step_now)" = "$peak" ] || fail "paused at step $(step_now); the largest loss in --batch is at step $peak"
screen | grep -q '· peak' || fail "the status line does not say peak"
tm send-keys -t teach z
sleep 0.5
wait_for '┌ λ1 '
screen | grep -q '┌ g ' && fail "the projector view still shows g(t)"
screen | grep -q 'Peak: the loss is at its top' || fail "the caption left the projector view"
[ "$(screen | grep -o '┌ ' | wc -l)" -eq 2 ] || fail "the projector view has not two charts"
tm send-keys -t teach b
wait_for '1/4  Below η_crit'
quit demo

# --- a demo that goes round by itself ---------------------------------------
start auto 100x30 --demo catapult-tour --demo-auto 0.5
wait_for '2/4  The catapult' 30
wait_for 'PAUSED' 20
wait_for 'λ1 is below the 2/η line now' 20
wait_for '3/4  Above 4/λ' 30
wait_for 'Divergent: nothing pulls λ1 back' 30
wait_for '4/4  Linear vs quadratic' 30
wait_for '1/4  Below η_crit' 60
quit auto

echo "ok: record, replay (numbers, a preset loaded mid-session, screen), newer format refused, demo, projector view, --demo-auto"
exit 0
