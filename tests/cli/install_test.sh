#!/bin/sh
# install_test.sh BUILD_DIR: the installed program stands on its own.
#
# The build is installed into a scratch folder (meson install --destdir)
# and the installed tree moved elsewhere; from there nqmtop lists and
# runs every shipped preset in batch (the data of the generalization
# presets included) and lists and loads every demo, all from the moved
# tree and never from the source tree: a preset taken out of the moved
# tree is no longer listed, one added to it is; a preset on standard input
# (--preset -) runs as the same file does. nqmtop(1) names the
# configured folders, the licences and README are in the doc folder, the
# shell completions in the shells' folders.
set -u
build=$1
failures=0
work=$(mktemp -d /tmp/nqmtop-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C OPENBLAS_NUM_THREADS=1
unset NQMTOP_CONFIG

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# option NAME [DEFAULT]: the build's value of a meson option (DEFAULT when empty)
meson introspect --buildoptions "$build" >"$work/options.json"
option() {
    python3 -c 'import json, sys
v = [o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == sys.argv[2]][0]
print(v or sys.argv[3])' "$work/options.json" "$1" "${2:-}"
}
prefix=$(option prefix)
meson install -C "$build" --destdir "$work/stage" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; exit 1; }
mv "$work/stage$prefix" "$work/moved"
top=$work/moved
nqmtop=$top/bin/nqmtop
[ -x "$nqmtop" ] || { echo "FAIL: no bin/nqmtop in the installed tree"; exit 1; }

# ---- only the moved tree is searched ----------------------------------------------
shipped=$top/share/nqmtop/presets
rm "$shipped/uv-1d.preset"
printf '# a preset only the installed tree has\nmodel = quad\nsteps = 3\n' \
    >"$shipped/only-installed.preset"
"$nqmtop" --list-presets >"$work/list" || fail "--list-presets: exit $?"
grep -q "^only-installed " "$work/list" || fail "the moved tree's own preset is not listed"
grep -q "^uv-1d " "$work/list" && fail "uv-1d is listed: a folder outside the installation was searched"

# ---- every preset runs, every demo loads --------------------------------------------
presets=0
for name in $(cut -d' ' -f1 "$work/list"); do
    if "$nqmtop" --batch --preset "$name" --steps 2 >"$work/run.tsv" 2>"$work/run.err" &&
        [ "$(wc -l <"$work/run.tsv")" -eq 4 ]; then
        presets=$((presets + 1))
    else
        fail "preset $name: $(cat "$work/run.err")"
    fi
done
[ "$presets" -eq "$(ls "$shipped"/*.preset | wc -l)" ] || fail "$presets presets ran"
"$nqmtop" --list-demos >"$work/demos" || fail "--list-demos: exit $?"
demos=0
for name in $(cut -d' ' -f1 "$work/demos"); do
    # loaded (every scene's preset resolved, its data read) before the
    # terminal is asked for, which the test does not have
    "$nqmtop" --demo "$name" </dev/null >/dev/null 2>"$work/demo.err"
    if grep -q "stdout is not a terminal" "$work/demo.err"; then
        demos=$((demos + 1))
    else
        fail "demo $name: $(cat "$work/demo.err")"
    fi
done
[ "$demos" -eq "$(ls "$shipped"/demos/*.demo | wc -l)" ] && [ "$demos" -gt 0 ] ||
    fail "$demos demos loaded"
echo "from $top: $presets presets run, $demos demos loaded"

# ---- a preset on standard input ---------------------------------------------------
"$nqmtop" --show-preset catapult-1d --set width=50 >"$work/p.preset"
"$nqmtop" --batch --preset - --steps 5 <"$work/p.preset" >"$work/stdin.tsv" ||
    fail "--preset -: exit $?"
"$nqmtop" --batch --preset "$work/p.preset" --steps 5 >"$work/file.tsv"
cmp -s "$work/stdin.tsv" "$work/file.tsv" && [ -s "$work/file.tsv" ] ||
    fail "--preset - differs from the same preset as a file"
"$nqmtop" --batch --preset - --set width=60 --steps 5 <"$work/p.preset" | head -n 2 |
    cmp -s - "$work/file.tsv" && fail "--preset -: --set not applied"

# ---- the manual, the licences ----------------------------------------------------------
page=$top/share/man/man1/nqmtop.1
grep -q -- "^\.I $prefix/share/nqmtop/presets/" "$page" || fail "nqmtop(1) FILES: no $prefix"
grep -q "@" "$page" && grep -n "@[A-Z_]*@" "$page" && fail "nqmtop(1): a placeholder left"
for f in README.md LICENSE LICENSE.data README.data.md; do
    [ -s "$top/share/doc/nqmtop/$f" ] || fail "no share/doc/nqmtop/$f"
done
for f in "$(option bash_completions_dir share/bash-completion/completions)/nqmtop" \
    "$(option zsh_completions_dir share/zsh/site-functions)/_nqmtop" \
    "$(option fish_completions_dir share/fish/vendor_completions.d)/nqmtop.fish"; do
    [ -s "$top/$f" ] || fail "no $f"
done
[ -s "$shipped/data/LICENSE" ] || fail "no licence beside the data"
grep -q "the nqmtop authors" "$top/share/doc/nqmtop/LICENSE" || fail "LICENSE: no copyright holder"

[ "$failures" -eq 0 ] || exit 1
echo "install test: all passed"
