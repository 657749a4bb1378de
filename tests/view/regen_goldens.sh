#!/bin/sh
# regen_goldens.sh: rewrite the golden frames of the renderer from a build.
# Usage: tests/view/regen_goldens.sh [BUILD_DIR]   (default: build)
# Review the result with `git diff tests/view/golden` before committing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
exe="$build/tests/view/test_golden"
if [ ! -x "$exe" ]; then
    echo "regen_goldens.sh: $exe not found; build first (ninja -C $build)" >&2
    exit 2
fi
mkdir -p "$here/golden"
"$exe" --write "$here/golden"
