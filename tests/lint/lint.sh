#!/bin/sh
# lint.sh TOOL SOURCE_ROOT: the C sources are clean under TOOL — the
# project's .clang-format style (clang-format) or cppcheck's warning,
# performance and portability checks (cppcheck). Exit 77 (skipped) when
# the tool is not installed.
set -u
tool=$1 root=$2
command -v "$tool" >/dev/null || { echo "$tool not installed"; exit 77; }
cd "$root" || exit 1
files=$(find src include tests -name '*.[ch]' | sort)
case $tool in
clang-format)
    # shellcheck disable=SC2086
    clang-format --dry-run --Werror $files || exit 1
    echo "$(echo "$files" | wc -l) files formatted"
    ;;
cppcheck)
    cppcheck --quiet --enable=warning,performance,portability --std=c11 --error-exitcode=1 \
        --inline-suppr -Iinclude -D__GNUC__ --suppress=missingIncludeSystem src tests || exit 1
    echo "cppcheck: no findings"
    ;;
*) echo "unknown tool $tool"; exit 1 ;;
esac
