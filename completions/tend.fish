# fish completion for tend (the process manager). Installed in fish's
# vendor_completions.d (in /etc/fish/completions for the prefix /usr/local,
# which fish does not search); `tend completion fish | source` works too. The
# candidates come from tend itself (`tend __complete`), which never starts a
# daemon to answer.

function __tend_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l tend $tokens[1]
    if test (count $tokens) -eq 1
        $tend __complete commands 2>/dev/null
    else if string match -q -- '-*' $cur
        $tend __complete flags $tokens[2] 2>/dev/null
    else
        set -l words ($tend __complete args $tokens[2..-1] 2>/dev/null)
        if test "$words" = '::files'
            __fish_complete_path $cur
        else
            printf '%s\n' $words
        end
    end
end

complete -c tend -f -a '(__tend_complete)'
