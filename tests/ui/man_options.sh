#!/bin/sh
# man_options.sh NQMTOP PAGE: every option that nqmtop --help names, long
# and short, is documented in the man page (roff's \- read as -).
nqmtop=$1
page=$2
help=$("$nqmtop" --help) || { echo "FAIL: $nqmtop --help failed"; exit 1; }
text=$(sed 's/\\-/-/g' "$page")
status=0
for opt in $(printf '%s\n' "$help" | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u); do
    if ! printf '%s\n' "$text" | grep -qE -- "(^|[^a-zA-Z-])$opt([^a-z-]|\$)"; then
        echo "FAIL: $opt is in --help but not in $page"
        status=1
    fi
done
exit $status
