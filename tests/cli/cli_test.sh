#!/bin/bash
# cli_test.sh: the nqmtop binary from the outside.
#
#   cli_test.sh NQMTOP PRESET_DIR CHECK_OUTPUT_PY
#
# Every shipped preset is listed with its description, prints a
# configuration that loads back unchanged and runs 20 steps in every batch
# format (the formats agree record for record, the summary agrees with the
# records); --set overrides and the eta / eta_rel rule; the summary file is
# never overwritten without --force; and every kind of bad input exits with
# status 2, one line on stderr naming FILE:LINE: KEY: where it applies, and
# nothing on stdout. JSON is checked with python3 when it is installed.
set -u

nqmtop=$1
preset_dir=$2
checker=$3
failures=0
checks=0

work=$(mktemp -d /tmp/nqmtop-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
# No user presets unless a test makes some; numbers in the C locale.
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C
unset NQMTOP_CONFIG
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

python=
for p in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
    if [ -n "$p" ] && [ -x "$p" ]; then python=$p; break; fi
done
[ -n "$python" ] || echo "python3 not found: JSON checked by shape only"

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run ARGS...: run nqmtop, stdout to $work/out, stderr to $work/err, status in $rc.
run() {
    "$nqmtop" "$@" >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    checks=$((checks + 1))
}

# expect_ok WHAT ARGS...
expect_ok() {
    local what=$1
    shift
    run "$@"
    [ "$rc" -eq 0 ] || fail "$what: exit $rc: $(head -c 300 "$work/err")"
}

# expect_bad WHAT PATTERN ARGS...: exit 2, stdout empty, stderr one line
# matching the extended regular expression PATTERN.
expect_bad() {
    local what=$1 pattern=$2
    shift 2
    run "$@"
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2"
    [ ! -s "$work/out" ] || fail "$what: wrote to stdout: $(head -c 200 "$work/out")"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$work/err")"
    grep -Eq -- "$pattern" "$work/err" || fail "$what: stderr '$(cat "$work/err")' does not match '$pattern'"
}

description_of() { # the first non-empty comment line of a preset file
    sed -n 's/^[[:space:]]*#[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1/p' "$1" | head -n 1
}

# ---- help, version ----------------------------------------------------------------

expect_ok "--help" --help
[ "$(tail -n 1 "$work/out")" = "See man nqmtop; press ? in the UI for keys." ] || fail "--help's last line"
for opt in --preset --set --batch --steps --format --summary --list-presets --show-preset \
    --ascii --no-color --force --help --version; do
    grep -q -- "$opt" "$work/out" || fail "--help does not mention $opt"
done
expect_ok "--version" -V
grep -Eq '^nqmtop [0-9]+\.[0-9]+' "$work/out" || fail "--version: $(cat "$work/out")"
grep -q 'OpenBLAS' "$work/out" || fail "--version does not name the OpenBLAS core"

# ---- every shipped preset -----------------------------------------------------------

expect_ok "--list-presets" --list-presets
cp "$work/out" "$work/list"
shipped=0
for file in "$preset_dir"/*.preset; do
    name=$(basename "$file" .preset)
    shipped=$((shipped + 1))
    desc=$(description_of "$file")
    [ -n "$desc" ] || fail "$name: no description comment"
    grep -Eq "^$name +" "$work/list" || fail "--list-presets lacks $name"
    grep -F -q -- "$desc" "$work/list" || fail "--list-presets lacks the description of $name"
    # a preset on a data package: skipped where it is missing, run small
    light=""
    data=$(sed -n 's|^train_file = \(/.*\)|\1|p' "$file")
    if [ -n "$data" ]; then
        [ -r "$data" ] || { echo "skipping $name: $data is missing (tools/deps installs it)"; continue; }
        light="--set width=200 --set test_size=100"
    fi

    expect_ok "--show-preset $name" --show-preset "$name"
    cp "$work/out" "$work/$name.shown"
    expect_ok "--show-preset of the shown $name" --show-preset "$work/$name.shown"
    if ! diff <(sed 2d "$work/$name.shown") <(sed 2d "$work/out") >/dev/null; then
        fail "$name: the printed configuration does not load back to itself"
    fi

    for fmt in tsv csv jsonl; do
        # shellcheck disable=SC2086
        expect_ok "$name $fmt" --batch --preset "$name" --steps 20 --format "$fmt" \
            --summary "$work/$name.$fmt.json" $light
        cp "$work/out" "$work/$name.$fmt"
    done
    records=$(wc -l <"$work/$name.jsonl")
    [ "$records" -ge 2 ] && [ "$records" -le 21 ] || fail "$name: $records records for 20 steps"
    [ "$(wc -l <"$work/$name.tsv")" -eq $((records + 1)) ] || fail "$name: tsv lines"
    awk -F'\t' 'NR == 1 { n = NF } NF != n { exit 1 }' "$work/$name.tsv" || fail "$name: ragged tsv"
    awk -F',' 'NR == 1 { n = NF } NF != n { exit 1 }' "$work/$name.csv" || fail "$name: ragged csv"
    grep -vq '^{.*}$' "$work/$name.jsonl" && fail "$name: a jsonl line is not an object"
    grep -Eq '"[a-z0-9_]+":(nan|inf|-inf|NaN|Infinity)' "$work/$name.jsonl" && fail "$name: non-JSON number"
    if [ -n "$python" ]; then
        "$python" "$checker" records "$work/$name.tsv" "$work/$name.csv" "$work/$name.jsonl" ||
            fail "$name: the three formats disagree"
        eta_rel=$(sed -n 's/^eta_rel = //p' "$work/$name.shown")
        "$python" "$checker" summary "$work/$name.jsonl.json" "$work/$name.jsonl" $eta_rel ||
            fail "$name: summary"
    fi
done
[ "$shipped" -ge 11 ] || fail "only $shipped presets shipped"
[ "$(wc -l <"$work/list")" -eq "$shipped" ] || fail "--list-presets: $(wc -l <"$work/list") lines for $shipped presets"

# The default preset is catapult-1d.
expect_ok "default preset" --batch --steps 3 --summary -
grep -q '"preset": "catapult-1d"' "$work/out" || fail "the default preset is not catapult-1d"

# catapult-multi-1d's eta lies between its two critical values 2/lambda1(0), 2/lambda2(0).
if [ -n "$python" ]; then
    expect_ok "multi critical values" --batch --preset catapult-multi-1d --steps 0 --summary -
    tail -n 1 "$work/out" | "$python" -c '
import json, sys
s = json.loads(sys.stdin.read())
lo, hi = 2 / s["lambda1_0"], 2 / s["lambda2_0"]
sys.exit(0 if lo < s["eta"] < hi else "eta %g not in (%g, %g)" % (s["eta"], lo, hi))' ||
        fail "catapult-multi-1d: eta is not between the critical values"
fi

# A diverging run stops early, says so, and is a result (exit 0).
expect_ok "divergent run" --batch --preset divergent-1d --steps 1000 --format csv --summary -
[ "$(grep -c ',divergent$' "$work/out")" -ge 1 ] || fail "divergent-1d: no divergent record"
[ "$(grep -c '^[0-9]' "$work/out")" -lt 1001 ] || fail "divergent-1d: did not stop early"
grep -q '"regime": "divergent"' "$work/out" || fail "divergent-1d: summary regime"

# ---- overrides -------------------------------------------------------------------------

expect_ok "--set width" --show-preset catapult-1d --set width=77 --set 'width = 78'
grep -qx 'width = 78' "$work/out" || fail "--set: the last width does not win"
expect_ok "--set eta over eta_rel" --show-preset catapult-1d --set eta=0.3
grep -qx 'eta = 0.3' "$work/out" || fail "--set eta: eta not shown"
grep -q '^eta_rel =' "$work/out" && fail "--set eta: eta_rel still in force"
expect_ok "--set eta_rel over eta" --show-preset gqm-j3 --set eta_rel=1.25
grep -qx 'eta_rel = 1.25' "$work/out" || fail "--set eta_rel: not shown"
grep -q '^eta =' "$work/out" && fail "--set eta_rel: eta still in force"
expect_ok "--set network" --show-preset catapult-1d --set network=mlp --set depth=4
grep -qx 'network = mlp' "$work/out" && grep -qx 'depth = 4' "$work/out" || fail "--set network, depth"
expect_bad "bad network" "^--set: network: unknown value 'resnet' \(one of two-layer, mlp, cnn\)" \
    --show-preset catapult-1d --set network=resnet
expect_ok "--steps" --show-preset catapult-1d --steps 7
grep -qx 'steps = 7' "$work/out" || fail "--steps does not set steps"
expect_ok "--steps records" --batch --steps 7
[ "$(wc -l <"$work/out")" -eq 9 ] || fail "--steps 7: want a header and 8 records"
expect_bad "both etas by --set" '^--set: eta_rel: ' --batch --set eta=1 --set eta_rel=1

# User presets come first; a relative XDG_CONFIG_HOME is ignored.
mkdir -p "$XDG_CONFIG_HOME/nqmtop/presets"
printf '# my own catapult\nwidth = 321\n' >"$XDG_CONFIG_HOME/nqmtop/presets/catapult-1d.preset"
printf '# a user preset\nwidth = 5\n' >"$XDG_CONFIG_HOME/nqmtop/presets/mine.preset"
expect_ok "user preset" --show-preset catapult-1d
grep -qx 'width = 321' "$work/out" || fail "the user's catapult-1d does not win"
expect_ok "user list" --list-presets
grep -Eq '^catapult-1d +my own catapult$' "$work/out" || fail "user preset not listed first"
grep -Eq '^mine +a user preset$' "$work/out" || fail "user preset 'mine' not listed"
[ "$(grep -c '^catapult-1d ' "$work/out")" -eq 1 ] || fail "catapult-1d listed twice"
(cd "$work" && XDG_CONFIG_HOME=config "$nqmtop" --show-preset mine >/dev/null 2>&1) &&
    fail "a relative XDG_CONFIG_HOME was used"
rm -r "$XDG_CONFIG_HOME/nqmtop"

# ---- the summary file -----------------------------------------------------------------------

sum="$work/dir/summary.json"
mkdir -p "$work/dir"
expect_ok "summary" --batch --steps 5 --summary "$sum"
[ -s "$sum" ] || fail "no summary file"
cp "$sum" "$work/first.json"
expect_bad "summary exists" 'summary.json exists; use --force' --batch --steps 6 --summary "$sum"
cmp -s "$sum" "$work/first.json" || fail "the summary was overwritten without --force"
expect_ok "summary --force" --batch --steps 6 --summary "$sum" --force
grep -q '"steps": 6' "$sum" || fail "--force did not replace the summary"
[ "$(ls "$work/dir")" = "summary.json" ] || fail "temporary files left: $(ls "$work/dir")"
if [ -n "$python" ]; then
    "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$sum" || fail "summary is not JSON"
fi

# ---- bad presets: FILE:LINE: KEY: message, exit 2, empty stdout -----------------------

bad="$work/bad"
mkdir -p "$bad"
# name|content (printf format)|expected message after the path
cat >"$work/table" <<'EOF'
unknown-key|# d\nwidht = 5\n|:2: widht: unknown key \(did you mean width\?\)
duplicate|width = 5\nn = 3\nwidth = 6\n|:3: width: duplicate key \(first set on line 1\)
missing-eq|# d\nwidth 5\n|:2: width: missing '='
empty-value|width =\n|:1: width: empty value
junk|eta = 0.5 please\n|:1: eta: trailing junk 'please'
non-finite|y = nan\n|:1: y: .*not a finite number
overflow|mu = 1e400\n|:1: mu: .*not a finite number
range-width|width = 0\n|:1: width: 0 is out of range \(1 to 1000000000000\)$
range-eta|eta = -1\n|:1: eta: .*must be > 0
range-eigs|eigs = 9\n|:1: eigs: 9 is out of range \(1 to 8\)
range-n|data = mix1d\nn = 2000000\n|:2: n: .*out of range
batch-size|data = mix1d\nn = 4\nbatch_size = 5\n|:3: batch_size: .*exceeds
both-etas|eta = 1\neta_rel = 1.5\n|:2: eta_rel: eta is already set on line 1
bad-enum|loss = l2\n|:1: loss: unknown value 'l2'
bad-x|x = 1, two\n|:1: x: 
memory|# huge\nwidth = 1e11\n|:2: width: .*GiB \(limit 16 GiB\)
theory-data|model = theory\ndata = gauss\nd = 2\n|:1: model: theory needs
overlong|# d\nx = 1%05000d\n|:2: line longer than 4096 bytes
nul|# d\nwidth = 5\0000\n|:2: NUL byte
utf8|# d\n# \377\n|:2: invalid UTF-8 byte 0xff
empty||: empty file
EOF
while IFS='|' read -r name content message; do
    # shellcheck disable=SC2059
    printf "$content" 0 >"$bad/$name.preset"
    expect_bad "bad preset $name" "^$bad/$name.preset$message" --batch --steps 1 --preset "$bad/$name.preset"
    expect_bad "bad preset $name (show)" "^$bad/$name.preset$message" --show-preset "$bad/$name.preset"
done <"$work/table"
expect_bad "missing file" "^$bad/absent.preset: cannot open" --batch --preset "$bad/absent.preset"
expect_bad "directory" "is a directory" --batch --preset "$bad/"

# ---- bad options -----------------------------------------------------------------------------

expect_bad "unknown option" "^nqmtop: unknown option '--frobnicate'" --frobnicate
expect_bad "unknown short option" "^nqmtop: unknown option '-x'" -x
expect_bad "missing argument" "^nqmtop: '--preset' needs an argument" --batch --preset
expect_bad "missing short argument" "^nqmtop: '-s' needs an argument" --batch -s
expect_bad "bad format" "^nqmtop: --format: 'xml'" --batch --format xml
expect_bad "bad steps" "^nqmtop: --steps: '1e3x'" --batch --steps 1e3x
expect_bad "negative steps" "^nqmtop: --steps: '-1'" --batch --steps -1
expect_bad "extra argument" "^nqmtop: unexpected argument 'now'" --batch now
expect_bad "format without batch" "^nqmtop: --format only applies with --batch" --format csv
expect_bad "unknown preset" "unknown preset 'catapult1d' \(did you mean catapult-1d" --batch --preset catapult1d
expect_bad "far preset" "unknown preset 'qqqqqqqqqqqq' \(--list-presets" --batch -p qqqqqqqqqqqq
expect_bad "bad --set" "^--set: widht: unknown key \(did you mean width\?\)" --batch --set widht=3
expect_bad "--set without =" "^--set: 'width': expected key=value" --batch --set width
expect_bad "--set out of range" "^--set: eigs: " --show-preset catapult-1d --set eigs=0
expect_bad "summary dir" "^nqmtop: --summary: cannot write in" --batch --summary "$work/no/such/dir/s.json"
expect_bad "not a terminal" "use --batch" --preset catapult-1d

echo "$checks runs, $failures failure(s)"
[ "$failures" -eq 0 ]
