#!/bin/bash
# completion_test.sh NQMTOP COMPLETIONS_DIR PRESET_DIR: the bash completion
# sourced and asked for candidates as bash would (COMP_LINE, COMP_POINT,
# COMP_WORDS), both with '=' breaking words (bash's default) and without
# (as bash-completion sets it). Candidates are checked against things
# outside the completion: the preset and demo files, the options of
# --help, and nqmtop accepting every word offered for a key and refusing
# a word not offered. With fish installed, its completion is asked the
# same (complete -C); with zsh, its file is at least read (zsh -n).
set -u
nqmtop=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
presets=$(cd "$3" && pwd)
failures=0
work=$(mktemp -d /tmp/nqmtop-complete-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" HOME="$work/home" LC_ALL=C
# shellcheck source=/dev/null
completions=$(cd "$2" && pwd)
. "$completions/nqmtop.bash"
mkdir "$work/empty" && cd "$work/empty" || exit 1 # no files beside the candidates

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# candidates LINE: what completing at the end of LINE offers, sorted, one a line
candidates() {
    COMP_LINE=$1 COMP_POINT=${#1}
    read -ra COMP_WORDS <<<"$1"
    COMP_WORDS[0]=$nqmtop
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _nqmtop
    printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect() {
    local line=$1 want got
    want=$(printf '%s\n' "${@:2}" | sort)
    got=$(candidates "$line")
    [ "$got" = "$want" ] || fail "'$line': got [$(echo $got)], want [$(echo $want)]"
}

# ---- options ---------------------------------------------------------------------
options=$(candidates "nqmtop --")
for opt in $("$nqmtop" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    grep -qx -- "$opt" <<<"$options" || fail "--help names $opt, the completion does not"
done
expect "nqmtop --pre" --preset
expect "nqmtop --pe" --per-seed
expect "nqmtop --list-" --list-presets --list-demos

# ---- presets and demos: the files shipped ------------------------------------------------
mapfile -t shipped < <(cd "$presets" && ls *.preset | sed 's/\.preset$//' | grep '^catapult')
expect "nqmtop --preset catapult" "${shipped[@]}"
mapfile -t demos < <(cd "$presets/demos" && ls *.demo | sed 's/\.demo$//')
expect "nqmtop --demo " "${demos[@]}"
expect "nqmtop -b --show-preset uv" uv-1d

# ---- --set keys and their words ------------------------------------------------------------
for breaks in "$COMP_WORDBREAKS" " "; do
    COMP_WORDBREAKS=$breaks
    expect "nqmtop --set mod" model= models=
    expect "nqmtop --sweep wid" width=
    if [[ $COMP_WORDBREAKS == *=* ]]; then
        expect "nqmtop --set loss=half" half-sum half-mean
    else
        expect "nqmtop --set loss=half" loss=half-sum loss=half-mean
    fi
done
COMP_WORDBREAKS=" "
words=0
for key in model activation loss optimizer eig_order; do
    for cand in $(candidates "nqmtop --set $key="); do
        # (catapult-multi-1d: labels +-1, which loss = logistic needs)
        "$nqmtop" --show-preset catapult-multi-1d --set "$cand" >/dev/null 2>&1 ||
            fail "--set $cand offered but refused"
        words=$((words + 1))
    done
done
[ "$words" -ge 12 ] || fail "only $words words offered for five keys"
candidates "nqmtop --set model=" | grep -qx model=quad || fail "model=quad not offered"
candidates "nqmtop --set model=" | grep -q relu && fail "an activation offered for model"
# a key's every word is offered: a word nqmtop refuses lists the words it takes
"$nqmtop" --show-preset catapult-1d --set activation=nosuch 2>&1 | grep -o "tanh\|swish\|relu" |
    sort -u | while read -r w; do
    candidates "nqmtop --set activation=" | grep -qx "activation=$w" || fail "activation=$w missing"
done
expect "nqmtop --format j" jsonl
expect "nqmtop --bifurcation l" loss lambda1
expect "nqmtop -d a" auto
expect "nqmtop --steps 1" 

# ---- fish and zsh ----------------------------------------------------------------------
if command -v fish >/dev/null; then
    fish_got=$(PATH=$(dirname "$nqmtop"):$PATH fish --no-config -c "source $completions/nqmtop.fish
        complete -C'nqmtop --set mod'; complete -C'nqmtop --set loss=half'
        complete -C'nqmtop --demo w'; complete -C'nqmtop --li'" | cut -f1 | sort | tr '\n' ' ')
    [ "$fish_got" = "--list-demos --list-presets loss=half-mean loss=half-sum model= models= width-and-the-peak " ] ||
        fail "fish: $fish_got"
    echo "fish completion: $fish_got"
fi
if command -v zsh >/dev/null; then
    zsh -n "$completions/_nqmtop" || fail "zsh: _nqmtop does not parse"
fi

[ "$failures" -eq 0 ] || exit 1
echo "bash completion: $(candidates "nqmtop --" | wc -l) options, ${#shipped[@]} presets for 'catapult', ${#demos[@]} demos, $words words for five keys, all as expected"
