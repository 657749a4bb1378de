#!/bin/sh
# man_keys.sh NQMTOP PAGE: every preset key that --show-preset writes is
# documented in nqmtop(5) as a ".BI "KEY = "" entry (the unused one of
# eta and eta_rel is written as a comment), and every key the
# page documents is one the program knows.
set -u
nqmtop=$1 page=$2
keys=$("$nqmtop" --show-preset catapult-1d | sed -n -e 's/^\([a-z_0-9]*\) = .*/\1/p' -e 's/^# \([a-z_0-9]*\): not used.*/\1/p')
[ -n "$keys" ] || { echo "no keys in --show-preset output"; exit 1; }
documented=$(sed -n 's/^\.BI "\([a-z_0-9]*\) = .*/\1/p' "$page")
status=0
for k in $keys; do
    echo "$documented" | grep -qx "$k" || { echo "key '$k' is not documented in $page"; status=1; }
done
for k in $documented; do
    echo "$keys" | grep -qx "$k" || { echo "$page documents '$k', which --show-preset does not write"; status=1; }
done
[ $status -eq 0 ] && echo "$(echo "$keys" | wc -l) keys documented"
exit $status
