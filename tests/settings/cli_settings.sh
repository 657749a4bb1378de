#!/bin/sh
# cli_settings.sh NQMTOP: the defaults file as the command line sees it —
# its preset is used, --preset overrides it, a broken or missing
# NQMTOP_CONFIG file stops nqmtop with status 2 and nothing on stdout.
set -u
nqmtop=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

printf 'preset = subcritical-1d\nspeed = 10\n' >"$dir/config"
out=$(NQMTOP_CONFIG="$dir/config" "$nqmtop" --batch --steps 2 --summary - | tail -n 1)
echo "$out" | grep -q '"preset": "subcritical-1d"' || fail "settings preset not used: $out"
out=$(NQMTOP_CONFIG="$dir/config" "$nqmtop" --preset tanh-1d --batch --steps 2 --summary - |
    tail -n 1)
echo "$out" | grep -q '"preset": "tanh-1d"' || fail "--preset does not override: $out"

mkdir -p "$dir/xdg/nqmtop"
printf 'preset = divergent-1d\n' >"$dir/xdg/nqmtop/config"
out=$(env -u NQMTOP_CONFIG XDG_CONFIG_HOME="$dir/xdg" "$nqmtop" --batch --steps 1 --summary - |
    tail -n 1)
echo "$out" | grep -q '"preset": "divergent-1d"' || fail "XDG settings not used: $out"

printf 'speed = fast\n' >"$dir/bad"
for case in "$dir/bad:bad:1: speed:" "$dir/missing:missing: cannot open"; do
    file=${case%%:*} want=${case#*:}
    out=$(NQMTOP_CONFIG="$file" "$nqmtop" --batch --steps 1 2>"$dir/err")
    rc=$?
    [ $rc -eq 2 ] || fail "$file: exit $rc, want 2"
    [ -z "$out" ] || fail "$file: stdout not empty"
    grep -q "$want" "$dir/err" || fail "$file: message '$(cat "$dir/err")' lacks '$want'"
done
[ $status -eq 0 ] && echo "settings file: 5 cases as expected"
exit $status
