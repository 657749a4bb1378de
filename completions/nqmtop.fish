# nqmtop.fish: fish completion for nqmtop. Every candidate comes from the
# program itself (the hidden `nqmtop --complete WHAT`: its options, the
# presets and demos on its search path, the preset keys and their words);
# this file only says which candidates follow which option.

function __nqmtop_list
    set -l cmd (commandline -opc)
    $cmd[1] --complete $argv 2>/dev/null
end

# Whether the word before the cursor is one of argv.
function __nqmtop_after
    set -l cmd (commandline -opc)
    contains -- $cmd[-1] $argv
end

# KEY= for every key of argv[1] (keys, numeric-keys), then KEY=WORD.
function __nqmtop_assignment
    set -l cur (commandline -ct)
    if string match -q -- '*=*' $cur
        set -l key (string split -m 1 = -- $cur)[1]
        for word in (__nqmtop_list values:$key)
            echo $key=$word
        end
    else
        for key in (__nqmtop_list $argv[1])
            echo $key=
        end
    end
end

complete -c nqmtop -f
complete -c nqmtop -n 'string match -q -- "-*" (commandline -ct)' -a '(__nqmtop_list options)'
complete -c nqmtop -n '__nqmtop_after -p --preset --show-preset' -x -a '(__nqmtop_list presets) - (__fish_complete_suffix .preset)'
complete -c nqmtop -n '__nqmtop_after --demo' -x -a '(__nqmtop_list demos) (__fish_complete_suffix .demo)'
complete -c nqmtop -n '__nqmtop_after -s --set' -x -a '(__nqmtop_assignment keys)'
complete -c nqmtop -n '__nqmtop_after --sweep' -x -a '(__nqmtop_assignment numeric-keys)'
complete -c nqmtop -n '__nqmtop_after -f --format' -x -a '(__nqmtop_list formats)'
complete -c nqmtop -n '__nqmtop_after --bifurcation' -x -a '(__nqmtop_list bifurcation)'
complete -c nqmtop -n '__nqmtop_after -d --speed' -x -a auto
complete -c nqmtop -n '__nqmtop_after -o --summary --plot --rerun --record --replay --resume' -F
complete -c nqmtop -n 'not string match -q -- "-*" (commandline -ct)' -F
