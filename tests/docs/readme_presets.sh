#!/bin/sh
# readme_presets.sh SOURCE_ROOT: every shipped preset (presets/*.preset)
# has a row in the README's preset table (the table under "### Presets",
# a row naming it in its first column as `NAME`), and every name that
# table gives is a shipped preset.
set -u
root=$1
table=$(awk '/^### Presets/{on=1; next} on && /^\|/{print; seen=1; next} on && seen{exit}' "$root/README.md")
[ -n "$table" ] || { echo "README.md: no preset table under ### Presets"; exit 1; }
named=$(printf '%s\n' "$table" | cut -d'|' -f2 | grep -o '`[^`]*`' | tr -d '`')
status=0 count=0
for f in "$root"/presets/*.preset; do
    name=$(basename "$f" .preset)
    count=$((count + 1))
    printf '%s\n' "$named" | grep -qx "$name" || { echo "README.md: preset $name has no row in the preset table"; status=1; }
done
for name in $named; do
    [ -f "$root/presets/$name.preset" ] || { echo "README.md: the preset table names $name, which is not in presets/"; status=1; }
done
[ $status -eq 0 ] && echo "$count presets, each in the README table"
exit $status
