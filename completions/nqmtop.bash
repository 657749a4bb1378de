# nqmtop.bash: bash completion for nqmtop. Every candidate comes from the
# program itself (the hidden `nqmtop --complete WHAT`: its options, the
# presets and demos on its search path, the preset keys and their words),
# so that nothing here has to follow the program's changes; this file only
# says which candidates follow which option.

# The candidates WHAT of the nqmtop being completed (its own path, so that
# ./build/src/nqmtop offers what that build knows).
_nqmtop_list() {
    "${COMP_WORDS[0]}" --complete "$1" 2>/dev/null
}

# The current word and the one before, split at blanks only: bash also
# breaks words at '=' and ':', which --set KEY=VALUE must not see.
_nqmtop_words() {
    local line=${COMP_LINE:0:COMP_POINT} words
    read -ra words <<<"$line"
    if [[ $line == *[[:blank:]] || ${#words[@]} -eq 0 ]]; then
        _nqmtop_cur="" _nqmtop_prev=${words[${#words[@]} - 1]}
    else
        _nqmtop_cur=${words[${#words[@]} - 1]} _nqmtop_prev=${words[${#words[@]} - 2]}
    fi
}

# KEY=VALUE for --set: the keys (followed by '='), then the key's words.
_nqmtop_assignment() {
    local cur=$1
    if [[ $cur == *=* ]]; then
        local key=${cur%%=*}
        mapfile -t COMPREPLY < <(compgen -W "$(_nqmtop_list "values:$key")" -- "${cur#*=}")
        # bash replaces only the part after the '=' when '=' breaks words
        [[ $COMP_WORDBREAKS == *=* ]] || COMPREPLY=("${COMPREPLY[@]/#/$key=}")
    else
        mapfile -t COMPREPLY < <(compgen -S = -W "$(_nqmtop_list "$2")" -- "$cur")
        compopt -o nospace 2>/dev/null
    fi
}

_nqmtop_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f ${1:+-X "!*$1"} -- "$2")
    [ -n "$1" ] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$2")
}

_nqmtop() {
    local _nqmtop_cur _nqmtop_prev
    _nqmtop_words
    local cur=$_nqmtop_cur
    COMPREPLY=()
    case $_nqmtop_prev in
    -p | --preset | --show-preset)
        mapfile -t COMPREPLY < <(compgen -W "$(_nqmtop_list presets) -" -- "$cur")
        _nqmtop_files .preset "$cur"
        return ;;
    --demo)
        mapfile -t COMPREPLY < <(compgen -W "$(_nqmtop_list demos)" -- "$cur")
        _nqmtop_files .demo "$cur"
        return ;;
    -s | --set) _nqmtop_assignment "$cur" keys; return ;;
    --sweep) _nqmtop_assignment "$cur" numeric-keys; return ;;
    -f | --format | --bifurcation)
        local what=formats
        [ "$_nqmtop_prev" = --bifurcation ] && what=bifurcation
        mapfile -t COMPREPLY < <(compgen -W "$(_nqmtop_list $what)" -- "$cur")
        return ;;
    -d | --speed)
        mapfile -t COMPREPLY < <(compgen -W auto -- "$cur")
        return ;;
    -o | --summary | --plot | --rerun | --record | --replay | --resume)
        _nqmtop_files "" "$cur"
        return ;;
    -n | --steps | -j | --jobs | --repeats | --shard | --demo-auto | --replay-speed | --plot-size)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_nqmtop_list options)" -- "$cur")
    else
        _nqmtop_files "" "$cur" # the record files of --merge
    fi
}
complete -F _nqmtop nqmtop
