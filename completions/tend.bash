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
