#!/bin/bash
# harden_test.sh: nqmtop against careless and hostile input, from the
# outside.
#
#   harden_test.sh NQMTOP
#
# Messages escape what they quote (no control character or broken UTF-8
# reaches the terminal) and never repeat a line of a file of another kind;
# files that are not regular files are refused before they are read;
# --force replaces regular files only; output that cannot be written is
# exit status 1; sweep axes that would give wrong points are refused; a
# replay writes no file unless asked to; signals end sweeps and runs and
# leave no temporary file behind.
set -u

nqmtop=$1
failures=0
checks=0

work=$(mktemp -d /tmp/nqmtop-harden-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C
unset NQMTOP_CONFIG
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run ARGS...: nqmtop with stdout in $work/out, stderr in $work/err, status in $rc.
run() {
    timeout 60 "$nqmtop" "$@" >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    checks=$((checks + 1))
}

# clean WHAT: stderr holds no control character but the newlines and is UTF-8.
clean() {
    if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$work/err"; then
        fail "$1: a control character on stderr: $(od -c "$work/err" | head -n 3)"
    fi
    iconv -f UTF-8 -t UTF-8 "$work/err" >/dev/null 2>&1 || fail "$1: stderr is not UTF-8"
}

# expect_bad WHAT PATTERN ARGS...: exit 2, nothing on stdout, one clean
# line on stderr matching the extended regular expression PATTERN.
expect_bad() {
    local what=$1 pattern=$2
    shift 2
    run "$@"
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2: $(head -c 300 "$work/err")"
    [ ! -s "$work/out" ] || fail "$what: wrote to stdout"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$work/err")"
    grep -Eq -- "$pattern" "$work/err" || fail "$what: stderr '$(cat "$work/err")' does not match '$pattern'"
    clean "$what"
}

esc=$(printf 'x\033]0;PWNED\007')

# ---- messages escape what they quote ----------------------------------------------------

expect_bad "--preset ESC" 'x\\x1b\]0;PWNED\\x07' --batch --preset "$esc"
expect_bad "--show-preset ESC" 'PWNED' --show-preset "$esc"
expect_bad "--format ESC" '^nqmtop: --format' --batch --format "$esc"
expect_bad "--steps ESC" '^nqmtop: --steps' --batch --steps "$esc"
expect_bad "--jobs ESC" '^nqmtop: --jobs' --batch --jobs "$esc"
expect_bad "--repeats ESC" '^nqmtop: --repeats' --batch --repeats "$esc"
expect_bad "--sweep KEY ESC" 'PWNED' --batch --sweep "$esc=1:2:2"
expect_bad "--replay-speed ESC" '^nqmtop: --replay-speed' --replay x --replay-speed "$esc"
expect_bad "--demo-auto ESC" '^nqmtop: --demo-auto' --demo x --demo-auto "$esc"
expect_bad "unknown option ESC" 'unknown option' "--$esc"
expect_bad "stray argument ESC" 'unexpected argument' --batch "$esc"
expect_bad "--set ESC" 'control character' --batch --set "$esc=1"
expect_bad "--summary ESC" '^nqmtop: --summary: the file name' --batch --steps 1 --summary "$work/a$(printf '\033')b"
[ -z "$(ls "$work" | grep -v -x -e config -e home -e out -e err)" ] || fail "--summary ESC created a file"

# ---- messages name the option as typed ---------------------------------------------------

expect_bad "-xy" "unknown option '-x' \(in '-xy'\)" --batch -xy
expect_bad "-é" "unknown option '-é'" "-é"
expect_bad "-bé" "unknown option '-bé'" "-bé"

# ---- no line of a file of another kind is repeated -------------------------------------

printf 'root:SECRETHASH:20228:0:99999:7:::\n' >"$work/shadow"
expect_bad "--demo a password file" '^.*shadow:1: not a directive' --demo "$work/shadow"
grep -q SECRETHASH "$work/err" && fail "--demo quotes the password file"
expect_bad "--preset a password file" '^.*shadow:1: missing' --batch --preset "$work/shadow"
grep -q SECRETHASH "$work/err" && fail "--preset quotes the password file"
expect_bad "--replay a password file" '^.*shadow:1: not an nqmtop recording' --replay "$work/shadow"
grep -q SECRETHASH "$work/err" && fail "--replay quotes the password file"
printf 'a,b\n1,SECRET-TOKEN-abcdef\n' >"$work/secret.csv"
expect_bad "CSV cell" 'secret.csv:2: column 2: not a number$' --batch --steps 1 \
    --set data=csv --set "train_file=$work/secret.csv"
grep -q SECRET "$work/err" && fail "a CSV message quotes the cell"
printf 'scene one\nSECRET-TOKEN-abcdef=1 2\n' >"$work/key.demo"
printf 'root:SECRETHASH:20228 = 1\n' >"$work/settings"
NQMTOP_CONFIG="$work/settings" run --batch --steps 1
[ "$rc" -eq 2 ] || fail "a broken settings file: exit $rc"
grep -q SECRETHASH "$work/err" && fail "a settings message quotes the password file"

# ---- a home that is not a folder --------------------------------------------------------

HOME=/dev/null XDG_CONFIG_HOME= run --batch --steps 1
[ "$rc" -eq 0 ] || fail "HOME=/dev/null: exit $rc: $(cat "$work/err")"
HOME=/dev/null XDG_CONFIG_HOME= run --list-presets
[ "$rc" -eq 0 ] || fail "HOME=/dev/null --list-presets: exit $rc: $(cat "$work/err")"

# ---- data that overflow the kernel are an input error ----------------------------------

for kv in "x = 1e308" "data = mix1d
mu = 1e308" "data = mix1d
sigma = 1e308" "model = gqm
gamma = 1e308"; do
    printf '%s\n' "$kv" >"$work/huge.preset"
    key=$(tail -n 1 "$work/huge.preset" | cut -d' ' -f1)
    line=$(wc -l <"$work/huge.preset")
    expect_bad "$key = 1e308" "huge.preset:$line: $key: .*out of range" --batch --steps 1 \
        --preset "$work/huge.preset"
done
printf 'a,b\n1,1\n1e308,2\n' >"$work/huge.csv"
expect_bad "CSV 1e308" 'huge.csv:3: column 1: out of range' --batch --steps 1 --set data=csv \
    --set "train_file=$work/huge.csv"

# ---- the CSV row limit is exact ------------------------------------------------------------

awk 'BEGIN { for (i = 0; i < 1000001; i++) print i % 7 "," i % 2 }' >"$work/rows.csv"
expect_bad "1000001 rows" 'rows.csv:1000001: more than 1000000 rows' --batch --steps 1 \
    --set data=csv --set "train_file=$work/rows.csv" --set header=no
rm -f "$work/rows.csv"

# ---- inputs that are not regular files --------------------------------------------------

mkfifo "$work/fifo"
expect_bad "FIFO preset" 'fifo: is not a regular file' --batch --steps 1 --preset "$work/fifo"
expect_bad "FIFO demo" 'fifo: is not a regular file' --demo "$work/fifo"
expect_bad "FIFO recording" 'fifo: is not a regular file' --replay "$work/fifo"
expect_bad "FIFO data" 'fifo: is not a regular file' --batch --steps 1 --set data=csv \
    --set "train_file=$work/fifo"
NQMTOP_CONFIG="$work/fifo" run --batch --steps 1
[ "$rc" -eq 2 ] && grep -q 'fifo: is not a regular file' "$work/err" ||
    fail "FIFO settings: exit $rc: $(cat "$work/err")"
expect_bad "/dev/zero data" '/dev/zero: is not a regular file' --batch --steps 1 \
    --set data=csv --set train_file=/dev/zero

# ---- --force replaces regular files only ------------------------------------------------

echo keep >"$work/target"
ln -s "$work/target" "$work/link"
expect_bad "--summary symlink --force" 'link is a symbolic link' --batch --steps 1 \
    --summary "$work/link" --force
[ -L "$work/link" ] && [ "$(cat "$work/target")" = keep ] || fail "--summary --force replaced a link"
expect_bad "--summary FIFO --force" 'fifo is a FIFO' --batch --steps 1 --summary "$work/fifo" --force
[ -p "$work/fifo" ] || fail "--summary --force replaced a FIFO"
mkdir "$work/folder"
expect_bad "--summary folder --force" 'folder is a directory' --batch --steps 1 \
    --summary "$work/folder" --force
expect_bad "sweep --summary symlink --force" 'link is a symbolic link' --batch --steps 1 \
    --sweep eta_rel=1:2:2 --summary "$work/link" --force
if mknod "$work/null" c 1 3 2>/dev/null; then
    expect_bad "--summary device --force" 'null is a device' --batch --steps 1 \
        --summary "$work/null" --force
    [ -c "$work/null" ] || fail "--summary --force replaced a device"
fi
echo old >"$work/regular.json"
run --batch --steps 1 --summary "$work/regular.json" --force
[ "$rc" -eq 0 ] && grep -q '"preset"' "$work/regular.json" || fail "--summary --force over a file"

# ---- output that cannot be written is a failure -----------------------------------------

for args in --help --version --list-presets "--show-preset catapult-1d"; do
    # shellcheck disable=SC2086
    timeout 60 "$nqmtop" $args >/dev/full 2>"$work/err"
    st=$?
    [ "$st" -eq 1 ] || fail "$args >/dev/full: exit $st, want 1"
    grep -q 'writing the output failed' "$work/err" || fail "$args >/dev/full: $(cat "$work/err")"
done

# ---- sweep axes that would give wrong points --------------------------------------------

expect_bad "eta and eta_rel" 'eta and eta_rel are one learning rate' --batch --steps 1 \
    --sweep eta_rel=1:2:2 --sweep eta=1:2:2
expect_bad "width 1.5:2.5" 'width takes whole numbers: FROM and TO' --batch --steps 1 \
    --sweep width=1.5:2.5:3
expect_bad "width 1:4:3" 'width takes whole numbers: 3 values' --batch --steps 1 \
    --sweep width=1:4:3
expect_bad "width log repeats" 'repeat 1 once rounded' --batch --steps 1 --sweep width=1:10:10:log
run --batch --steps 1 --sweep width=1:5:3
[ "$rc" -eq 0 ] && [ "$(cut -f2 "$work/out" | tail -n +2 | sort -n | tr '\n' ' ')" = "1 3 5 " ] ||
    fail "width=1:5:3: exit $rc: $(cut -f2 "$work/out" | tr '\n' ' ')"

# ---- an address-space limit is checked before OpenBLAS spins on it ----------------------

# (not under AddressSanitizer, which cannot run in a small address space)
if ! ldd "$nqmtop" 2>/dev/null | grep -q libasan; then
    (ulimit -v 1500000 && exec timeout 60 "$nqmtop" --batch --steps 2 --set width=40000000) \
        >"$work/out" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 2 ] && grep -q 'ulimit -v' "$work/err" ||
        fail "ulimit -v, one run: exit $st: $(cat "$work/err")"
    (ulimit -v 1500000 && exec timeout 60 "$nqmtop" --batch --steps 2 --set width=40000000 \
        --sweep eta_rel=0.5:2:4 --jobs 4) >"$work/out" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 2 ] && grep -q 'ulimit -v' "$work/err" ||
        fail "ulimit -v, a sweep: exit $st: $(cat "$work/err")"
    # a limit below OpenBLAS's own buffers: its threads retry their mmap
    # for ever, and the process must still end (it waited for them)
    (ulimit -v 60000 && exec timeout 30 "$nqmtop" --version) >"$work/out" 2>"$work/err" </dev/null
    st=$?
    [ "$st" -eq 0 ] || fail "ulimit -v 60000, --version: exit $st: $(cat "$work/err")"
    (ulimit -v 60000 && exec timeout 30 "$nqmtop" --batch --steps 2) >"$work/out" 2>"$work/err" \
        </dev/null
    st=$?
    [ "$st" -eq 2 ] && grep -q 'limit (ulimit -v) of 58.6 MiB is below' "$work/err" ||
        fail "ulimit -v 60000, one run: exit $st: $(cat "$work/err")"
fi

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
