# bash completion for tend (the process manager). Installed as
# share/bash-completion/completions/tend; `tend completion bash` prints it, so
# `source <(tend completion bash)` works too. The candidates come from tend
# itself (`tend __complete`), which never starts a daemon to answer.

_tend() {
    local tend=${COMP_WORDS[0]}
    local cur=${COMP_WORDS[COMP_CWORD]}
    local candidates
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        candidates=$("$tend" __complete commands 2>/dev/null)
    elif [[ $cur == -* ]]; then
        candidates=$("$tend" __complete flags "${COMP_WORDS[1]}" 2>/dev/null)
    else
        candidates=$("$tend" __complete args "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
        if [[ $candidates == "::files" ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0
        fi
    fi
    mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
    return 0
}

complete -F _tend tend
# A command run by a path (build/bin/tend, ./tend) is completed by the spec of
# its last part, tend, unless the path has a spec of its own: bash-completion's
# loader gives one (_minimal: file names) to a command it found no completion
# for, as for build/bin/tend before this script was sourced; such specs of a
# path ending in /tend would hide this one, so they are taken over.
while read -r _tend_spec; do
    case $_tend_spec in
    "complete -F _minimal "*/tend) complete -F _tend -- "${_tend_spec#complete -F _minimal }" ;;
    "complete -F _comp_complete_minimal "*/tend)
        complete -F _tend -- "${_tend_spec#complete -F _comp_complete_minimal }" ;;
    esac
done < <(complete -p 2>/dev/null)
unset _tend_spec
