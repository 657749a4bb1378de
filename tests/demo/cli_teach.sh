#!/bin/sh
# cli_teach.sh NQMTOP: the options of demos, recordings and the projector
# view from the outside, without a terminal. Every bad script, bad
# recording and bad combination of options exits with status 2, one line
# on stderr (FILE:LINE: ... for a file), nothing on stdout; a good script
# or recording gets as far as asking for a terminal.
set -u
nqmtop=$1
work=$(mktemp -d /tmp/nqmtop-teach-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work" LC_ALL=C
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect_bad WHAT PATTERN ARGS...: exit 2, nothing on stdout, one line on
# stderr matching the extended regular expression PATTERN.
expect_bad() {
    what=$1 pattern=$2
    shift 2
    "$nqmtop" "$@" >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2"
    [ ! -s "$work/out" ] || fail "$what: wrote to stdout"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$what: $(wc -l <"$work/err") lines on stderr"
    grep -Eq -- "$pattern" "$work/err" || fail "$what: '$(cat "$work/err")' does not match /$pattern/"
}

script() {
    file=$1
    shift
    printf "$@" >"$work/$file"
}

not_a_terminal='stdout is not a terminal'
expect_bad "a shipped demo" "$not_a_terminal" --demo catapult-tour
expect_bad "an unknown demo" "^unknown demo 'catapult-tuor' \\(demos: catapult-tour, " \
    --demo catapult-tuor
script bad1.demo 'scene A\nwidth = 0\n'
expect_bad "a bad key" "^$work/bad1.demo:2: width: .*out of range" --demo "$work/bad1.demo"
script bad2.demo '# a demo\n\nscene A\npreset catapult-1d\nuntil phase = summit\n'
expect_bad "a bad phase" "^$work/bad2.demo:5: until: 'summit' is not a phase" \
    --demo "$work/bad2.demo"
script bad3.demo 'scene A\ncaption %0100d\n' 0
expect_bad "a wide caption" "^$work/bad3.demo:2: caption: 100 columns wide" \
    --demo "$work/bad3.demo"
script good.demo 'scene A\npreset catapult-1d\ncaption hello\nuntil phase = peak\n'
expect_bad "a good script" "$not_a_terminal" --demo "$work/good.demo"

expect_bad "a missing recording" "^$work/none.rec: cannot open" --replay "$work/none.rec"
script bad.rec 'nqmtop-recording 1\nconfig x\nwidth = 10\nend-config\nkey 3 0.5 bogus\n'
expect_bad "a bad key name" "^$work/bad.rec:5: 'bogus' is not a key name" --replay "$work/bad.rec"
script new.rec 'nqmtop-recording 7\n'
expect_bad "a newer format" "^$work/new.rec:1: recording format 7 is newer than this nqmtop" \
    --replay "$work/new.rec"
script good.rec 'nqmtop-recording 1\nconfig x\nwidth = 10\nend-config\nkey 3 0.5 +\n'
expect_bad "a good recording" "$not_a_terminal" --replay "$work/good.rec"

expect_bad "--demo-auto alone" "--demo-auto only applies with --demo" --demo-auto 5
expect_bad "--demo-auto 0" "--demo-auto: '0' is not a number above 0" --demo x --demo-auto 0
expect_bad "--replay-speed alone" "--replay-speed only applies with --replay" --replay-speed 2
expect_bad "--replay-speed x" "--replay-speed: 'x' is not a number" --replay r --replay-speed x
expect_bad "--demo and --preset" "--preset and --set do not apply with --demo" \
    --demo catapult-tour --preset catapult-1d
expect_bad "--replay and --set" "--preset and --set do not apply with --replay" \
    --replay "$work/good.rec" --set width=5
expect_bad "--record and --demo" "--record does not go with --demo" \
    --demo catapult-tour --record "$work/r"
expect_bad "--replay and --record" "--replay plays a recording; --record" \
    --replay "$work/good.rec" --record "$work/r"
expect_bad "--big and --batch" "--big applies to the interactive UI, not to --batch" --batch --big
expect_bad "--record and --batch" "--record applies to the interactive UI" \
    --batch --record "$work/r"
[ ! -e "$work/r" ] || fail "a refused --record created its file"

[ "$failures" -eq 0 ] && echo "ok: demos, recordings and their options from the command line"
exit $((failures > 0))
