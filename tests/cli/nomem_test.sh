#!/bin/sh
# nomem_test.sh NQMTOP FAILMALLOC: an allocation of the kernel's n x n
# matrices that fails (every allocation of 32 MiB or more, through the
# preloaded malloc) is reported as what failed, with its size: exit 1 and
# one line naming the n x n matrices, not the parameters alone.
set -u
nqmtop=$1 lib=$2
work=$(mktemp -d /tmp/nqmtop-nomem-XXXXXX)
trap 'rm -rf "$work"' EXIT
touch "$work/arm"
# n = 3000: three n x n matrices of 68.7 MiB each; width 100: 0.0 MiB of parameters
LD_PRELOAD=$lib FAILMALLOC_MIN=33554432 FAILMALLOC_ARM="$work/arm" HOME="$work" \
    XDG_CONFIG_HOME="$work" "$nqmtop" --batch --steps 1 --set data=gauss --set n=3000 \
    --set width=100 >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc: $(cat "$work/err")"; exit 1; }
want=$(awk 'BEGIN { printf "%.1f", 3 * 3000 * 3000 * 8 / 1048576 }')
grep -q "$want MiB of n x n matrices" "$work/err" ||
    { echo "FAIL: the message does not name the n x n matrices: $(cat "$work/err")"; exit 1; }
echo "ok: $(cat "$work/err")"
