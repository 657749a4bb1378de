#!/bin/sh
# lint_man.sh GROFF PAGE: the page formats without a single warning under
# groff -man -ww -z.
out=$("$1" -man -ww -z "$2" 2>&1)
status=$?
if [ $status -ne 0 ] || [ -n "$out" ]; then
    printf '%s\n' "$out"
    exit 1
fi
