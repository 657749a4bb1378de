#!/bin/sh
# tmux_files.sh NQMTOP PYTHON3 [TMUX_LIB]: what the UI reads and writes
# besides the screen. A CSV data set piped in as train_file = - is read
# once and trains (keys then come from the terminal); e writes the CSV
# export with what made it in '#' lines (version, commit, OpenBLAS, the
# configuration as preset text) and the figure beside it (same name,
# .svg, well-formed XML with that metadata); q writes the --plot figure;
# --record's recording names the commit and OpenBLAS in a '#' line and
# still replays with the data piped in again, and is refused (exit 2)
# without them. In compare mode q's figure draws net, quad and lin, each
# named in the legends and beside its phase strip. --plot over an existing file is refused before the
# screen starts, and so is --plot with the sweep view. Exit 77 (skipped)
# when tmux is not installed.
set -u

nqmtop=$1
python3=$2
case $nqmtop in /*) ;; *) nqmtop=$PWD/$nqmtop ;; esac
# shellcheck source-path=SCRIPTDIR source=../tmux_lib.sh
. "${3:-$(dirname "$0")/../tmux_lib.sh}"
tmux_setup nqmtop-files files
export OPENBLAS_NUM_THREADS=1 HOME="$dir" XDG_CONFIG_HOME="$dir/config"

# 40 rows of a 3-feature, two-class data set, labels +-1
awk 'BEGIN { for (i = 0; i < 40; i++) { y = i % 2 ? 1 : -1
    printf "%.3f,%.3f,%.3f,%d\n", y * 0.5 + sin(i), y * 0.3 + cos(3 * i), sin(7 * i), y } }' \
    >"$dir/d.csv"

# well-formed XML whose metadata holds the given text
xml_with() {
    "$python3" - "$1" "$2" <<'EOF' || fail "$1 is not a well-formed SVG holding '$2'"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
meta = "".join(e.text or "" for e in root.iter("{http://www.w3.org/2000/svg}metadata"))
sys.exit(0 if root.tag.endswith("svg") and sys.argv[2] in meta else 1)
EOF
}

version=$("$nqmtop" -V | sed -n '1s/^nqmtop \([^ ]*\) (commit \([^)]*\))$/\1, commit \2/p')
[ -n "$version" ] || fail "--version: $("$nqmtop" -V)"

echo "stage piped data, export, --plot, --record"
tmux_session piped 100x30 \
    "cd '$dir' && LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c 'cat d.csv | \"$nqmtop\" --set data=csv --set train_file=- --set test_fraction=0.25 --set steps=40 --plot quit.svg --record rec.txt; echo EXIT=\$? > piped.exit'; sleep 60"
wait_for '^ step [0-9]+' 30
tm send-keys -t files e
wait_for 'exported nqmtop-[^ ]*[.]csv and [.]svg'
csv=$(ls "$dir"/nqmtop-*.csv 2>/dev/null | head -n 1)
[ -n "$csv" ] || fail "no export in $dir"
svg=${csv%.csv}.svg
[ -s "$svg" ] || fail "no figure beside $csv"
head -n 1 "$csv" | grep -qF "# nqmtop $version; OpenBLAS " || fail "export's first line: $(head -n 1 "$csv")"
grep -qx '# train_file = -' "$csv" || fail "the export's configuration lacks train_file = -"
grep -qx '# data = csv' "$csv" || fail "the export's configuration lacks data = csv"
grep -v '^#' "$csv" | head -n 1 | grep -q '^model,step,steps,eta,loss,.*test_loss' ||
    fail "export header: $(grep -v '^#' "$csv" | head -n 1)"
xml_with "$svg" "nqmtop $version; OpenBLAS "
xml_with "$svg" "train_file = -"
tm send-keys -t files q
wait_file "$dir/piped.exit"
grep -qx 'EXIT=0' "$dir/piped.exit" || fail "piped run: $(cat "$dir/piped.exit")"
[ -s "$dir/quit.svg" ] || fail "q did not write the --plot figure"
xml_with "$dir/quit.svg" "nqmtop $version; OpenBLAS "
grep -q 'test loss' "$dir/quit.svg" || fail "the --plot figure lacks the test loss"
sed -n 2p "$dir/rec.txt" | grep -qF "# nqmtop $version; OpenBLAS " ||
    fail "the recording's second line: $(sed -n 2p "$dir/rec.txt")"

echo "stage replay of piped data"
tmux_session replay 100x30 \
    "cd '$dir' && sh -c 'cat d.csv | \"$nqmtop\" --replay rec.txt --replay-speed 50 2>replay.err; echo EXIT=\$? > replay.exit'; sleep 60"
wait_for 'REPLAY END' 30
tm send-keys -t files q
wait_file "$dir/replay.exit"
grep -qx 'EXIT=0' "$dir/replay.exit" ||
    fail "replay with the data piped: $(cat "$dir/replay.exit" "$dir/replay.err")"
tmux_session unpiped 100x30 \
    "cd '$dir' && sh -c '\"$nqmtop\" --replay rec.txt 2>unpiped.err; echo EXIT=\$? > unpiped.exit'; sleep 60"
wait_file "$dir/unpiped.exit"
grep -qx 'EXIT=2' "$dir/unpiped.exit" && grep -q 'standard input is a terminal' "$dir/unpiped.err" ||
    fail "replay without the data: $(cat "$dir/unpiped.exit" "$dir/unpiped.err")"

echo "stage compare figure"
tmux_session compare 100x30 \
    "cd '$dir' && LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c '\"$nqmtop\" --preset catapult-1d --plot cmp.svg; echo EXIT=\$? > cmp.exit'; sleep 60"
wait_for '^ step [0-9]+' 30
tm send-keys -t files c
wait_for 'net.*quad.*lin' 30
sleep 1
tm send-keys -t files q
wait_file "$dir/cmp.exit"
grep -qx 'EXIT=0' "$dir/cmp.exit" || fail "compare run: $(cat "$dir/cmp.exit")"
"$python3" - "$dir/cmp.svg" <<'EOF' || fail "the compare figure does not draw net, quad and lin"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
words = [t.text for t in root.iter(ns + "text")]
# each model named in the three panels' legends and beside its phase strip
named = all(words.count(m) == 4 for m in ("net", "quad", "lin"))
# each model's colour draws at least its loss, g and lambda1
strokes = [p.get("stroke") for p in root.iter(ns + "polyline")]
drawn = sorted(strokes.count(c) for c in set(strokes))
sys.exit(0 if named and len(drawn) >= 3 and drawn[-3] >= 3 else 1)
EOF

echo "stage refusals"
: >"$dir/taken.svg"
tmux_session taken 100x30 \
    "cd '$dir' && sh -c '\"$nqmtop\" --plot taken.svg 2>taken.err; echo EXIT=\$? > taken.exit'; sleep 60"
wait_file "$dir/taken.exit"
grep -qx 'EXIT=2' "$dir/taken.exit" && grep -q 'taken.svg' "$dir/taken.err" ||
    fail "--plot over a file: $(cat "$dir/taken.exit" "$dir/taken.err")"
[ ! -s "$dir/taken.svg" ] || fail "--plot over a file changed it"
"$nqmtop" --sweep eta=0.1:0.5:3 --plot "$dir/s.svg" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--plot of a sweep only applies with --batch' "$dir/err" ||
    fail "--plot with the sweep view: exit $rc, $(cat "$dir/err")"
echo "ok: piped data, export with figure and provenance, --plot on quit, recording, replay, compare figure"
