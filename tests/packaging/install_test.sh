#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup and the polled functions run indirectly
# `cmake --install` of a built tree, then real interactive bash, zsh and fish
# (in a private tmux server) completing `tend res<TAB>` from what it
# installed, each started from a clean environment (env -i) with the set-up of
# a fresh Debian user and nothing else:
#   bash: /etc/skel/.bashrc, which loads the bash-completion package's loader;
#   zsh:  a ~/.zshrc that runs compinit (what zsh-newuser-install offers);
#   fish: its defaults (the folder of completions generated from man pages is
#         made beforehand, so that fish does not start building it in the
#         background, a process that would outlive the test).
#
# 1. --prefix TMP/prefix, a prefix no shell searches by itself: each shell is
#    pointed at it exactly as the README tells users of such a prefix
#    (XDG_DATA_DIRS for bash, fpath for zsh, fish_complete_path for fish).
#    Then the README's flow without an install: bash-completion's loader has
#    given ./tend its fallback completion before `source <(./tend completion
#    bash)`, which must take it over.
# 2. The default prefix /usr/local, installed with DESTDIR into a temporary
#    root and bind-mounted over /usr/local and /etc/fish in a private mount
#    namespace (unshare -m: nothing changes outside it): the shells must
#    find tend with no pointer at all. Skipped, saying so, where unshare is
#    not permitted.
# Both check the installed files, the paths the units and the man page name,
# and that nothing was installed anywhere else. Everything lives in one
# temporary folder, removed at the end with the tmux servers and shells.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/tend-install-XXXXXX)
sockets=()
pane_pids=()
manifest="$build/install_manifest.txt"
saved_manifest=""
if [ -f "$manifest" ]; then  # a real install's list of files, given back at the end
    saved_manifest="$work/install_manifest.txt.saved"
    cp "$manifest" "$saved_manifest"
fi

cleanup() {
    local s pid end
    for s in "${sockets[@]}"; do tmux -S "$s" kill-server 2>/dev/null || true; done
    # The shells may still be exiting (writing their history into $work).
    end=$((SECONDS + 20))
    for pid in "${pane_pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.05; done
    done
    if [ -n "$saved_manifest" ]; then cp "$saved_manifest" "$manifest"; else rm -f "$manifest"; fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for tool in tmux zsh fish; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install $tool)"
done
[ -r /usr/share/bash-completion/bash_completion ] ||
    fail "the bash-completion package is not installed (apt-get install bash-completion)"

# until_true SECONDS COMMAND...: polls COMMAND until it succeeds, or fails
# once SECONDS have passed.
until_true() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < end)) || return 1
        sleep 0.1
    done
}

# install_into DESTDIR PREFIX DIR...: cmake --install, its manifest checked to
# name only files below the DIRs (DESTDIR is not part of its paths).
install_into() {
    local destdir=$1 prefix=$2 log="$work/install.log" line
    shift 2
    DESTDIR=$destdir cmake --install "$build" --prefix "$prefix" >"$log" 2>&1 ||
        { cat "$log"; fail "cmake --install --prefix $prefix failed"; }
    while IFS= read -r line; do
        local ok=no dir
        for dir in "$@"; do [[ $line == "$dir"/* ]] && ok=yes; done
        [ $ok = yes ] || fail "installed outside $*: $line"
    done <"$manifest"
}

# check_files ROOT PREFIX BASH_DIR ZSH_DIR FISH_DIR: the files, and the
# installed paths the units and the man page name.
check_files() {
    local root=$1 prefix=$2 f
    for f in "$prefix/bin/tend" "$prefix/bin/tendd"; do
        [ -x "$root$f" ] || fail "no $f"
    done
    for f in "$prefix/share/tend/preload.js" "$3/tend" "$4/_tend" "$5/tend.fish" \
        "$prefix/share/man/man1/tend.1" "$prefix/lib/systemd/system/tend@.service" \
        "$prefix/lib/systemd/user/tend.service"; do
        [ -f "$root$f" ] || fail "no $f"
    done
    grep -qx "ExecStart=$prefix/bin/tendd --foreground" "$root$prefix/lib/systemd/system/tend@.service" ||
        fail "tend@.service does not run $prefix/bin/tendd"
    grep -qx "ExecStart=$prefix/bin/tendd --foreground" "$root$prefix/lib/systemd/user/tend.service" ||
        fail "tend.service does not run $prefix/bin/tendd"
    local man="$root$prefix/share/man/man1/tend.1"
    grep -qx ".I $prefix/lib/systemd/system/tend@.service" "$man" ||
        fail "the man page's FILES do not name $prefix/lib/systemd/system/tend@.service"
    grep -qx ".I $prefix/lib/systemd/user/tend.service" "$man" ||
        fail "the man page's FILES do not name $prefix/lib/systemd/user/tend.service"
    if grep -q '@TEND' "$man"; then fail "the man page has an unconfigured @TEND...@"; fi
}

# A fresh user's home for each shell; extra lines for its start-up file.
make_home() {  # dir bash|zsh|fish [lines...]
    local home=$1 shell=$2
    shift 2
    mkdir -p "$home/.local/share/fish/generated_completions"
    case $shell in
    bash) { cat /etc/skel/.bashrc; printf '%s\n' "$@"; } >"$home/.bashrc" ;;
    zsh) printf '%s\n' "$@" 'autoload -Uz compinit && compinit' >"$home/.zshrc" ;;
    fish) mkdir -p "$home/.config/fish" && printf '%s\n' "$@" >"$home/.config/fish/config.fish" ;;
    esac
}

pane() {  # socket session
    tmux -S "$1" capture-pane -p -t "$2" 2>/dev/null
}
pane_has() {  # socket session words...: every word on the screen
    local screen w
    screen=$(pane "$1" "$2") || return 1
    for w in "${@:3}"; do [[ $screen == *"$w"* ]] || return 1; done
}
pane_drawn() {  # socket session: anything on the screen
    local screen
    screen=$(pane "$1" "$2") || return 1
    [[ $screen == *[![:space:]]* ]]
}
pane_ready() {  # socket session: the shell ran a command (its prompt is up)
    pane_has "$1" "$2" tend-ready
}
session_gone() {
    ! tmux -S "$1" has-session -t "$2" 2>/dev/null
}

# start_shell SOCKET SESSION HOME CWD PATH SHELL_ARGV...: the shell in a clean
# environment, as the pane's only process; returns once it runs commands.
start_shell() {
    local socket=$1 session=$2 home=$3 cwd=$4 path=$5
    shift 5
    tmux -S "$socket" new-session -d -s "$session" -x 160 -y 40 -c "$cwd" \
        env -i HOME="$home" TERM=screen LANG=C.UTF-8 PATH="$path" TEND_HOME="$work/tend-home" "$@"
    pane_pids+=("$(tmux -S "$socket" display-message -p -t "$session" '#{pane_pid}')")
    # Typed once the prompt is up: keys sent while a shell starts may be lost.
    until_true 30 pane_drawn "$socket" "$session" ||
        fail "$session: no prompt in 30 s"
    tmux -S "$socket" send-keys -t "$session" "printf '%s-%s\\n' tend ready" Enter
    until_true 30 pane_ready "$socket" "$session" ||
        fail "$session did not run printf in 30 s; the screen:"$'\n'"$(pane "$socket" "$session")"
}

# expect_offer SOCKET SESSION TYPED KEYS...: types, presses KEYS (Tab), and
# waits for restart and resurrect among the offered words.
expect_offer() {
    local socket=$1 session=$2 typed=$3
    shift 3
    tmux -S "$socket" send-keys -t "$session" -l "$typed"
    tmux -S "$socket" send-keys -t "$session" "$@"
    until_true 30 pane_has "$socket" "$session" restart resurrect ||
        fail "$session: '$typed' + $* did not offer restart and resurrect; the screen:"$'\n'"$(pane "$socket" "$session")"
    echo "ok: $session: $typed<$*> offers restart and resurrect"
}

# end_shell SOCKET SESSION: ends the shell, and waits for it. Killing the
# session hangs it up: typing `exit` raced with zsh's completion listing,
# which could take the keys, and the shell then never exited (seen in CI).
end_shell() {
    tmux -S "$1" kill-session -t "$2" 2>/dev/null || true
    until_true 30 session_gone "$1" "$2" || fail "$2 did not exit"
}

# check_shells SOCKET LABEL PATH BINDIR HOME_LINES_BASH HOME_LINES_ZSH HOME_LINES_FISH
check_shells() {
    local socket=$1 label=$2 path=$3 bindir=$4 shell
    local -A lines=([bash]=$5 [zsh]=$6 [fish]=$7)
    local -A tabs=([bash]="Tab Tab" [zsh]=Tab [fish]=Tab)
    for shell in bash zsh fish; do
        local home="$work/home-$label-$shell"
        local -a extra=()
        [ -n "${lines[$shell]}" ] && extra=("${lines[$shell]}")
        make_home "$home" "$shell" "${extra[@]}"
        # By its name in PATH, then by a path.
        start_shell "$socket" "$label-$shell" "$home" "$work" "$path" "$shell" -i
        # shellcheck disable=SC2086
        expect_offer "$socket" "$label-$shell" "tend res" ${tabs[$shell]}
        end_shell "$socket" "$label-$shell"
        start_shell "$socket" "$label-$shell-path" "$home" "$bindir" "$path" "$shell" -i
        # shellcheck disable=SC2086
        expect_offer "$socket" "$label-$shell-path" "./tend res" ${tabs[$shell]}
        end_shell "$socket" "$label-$shell-path"
    done
}

# 1. A prefix of no shell's: the README's pointers.
prefix="$work/prefix"
install_into "" "$prefix" "$prefix"
check_files "" "$prefix" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
echo "ok: --prefix $prefix: files and paths"

socket="$work/tmux-prefix.sock"
sockets+=("$socket")
tmux -S "$socket" -f /dev/null start-server \; set-option -g exit-empty off
check_shells "$socket" prefix "$prefix/bin:/usr/bin:/bin" "$prefix/bin" \
    "export XDG_DATA_DIRS=\"$prefix/share:\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}\"" \
    "fpath=($prefix/share/zsh/site-functions \$fpath)" \
    "set -p fish_complete_path $prefix/share/fish/vendor_completions.d"

# The README's flow without an install: tend run by a path, <TAB> pressed
# before the script is sourced (the loader finds no completion, and gives
# ./tend its fallback), then `source <(./tend completion bash)`. XDG_DATA_DIRS
# names no folder, so that a tend installed in /usr/local is not found; the
# loader also searches /usr/share/bash-completion/completions, though, where
# the .deb puts tend's: with that installed, the fallback is never given.
check_sourced_bash() {
    local socket=$1 home="$work/home-source-bash"
    make_home "$home" bash
    start_shell "$socket" source-bash "$home" "$prefix/bin" "/usr/bin:/bin" \
        env XDG_DATA_DIRS="$work/no-share" bash -i
    tmux -S "$socket" send-keys -t source-bash -l "./tend res"
    tmux -S "$socket" send-keys -t source-bash Tab Tab C-u
    tmux -S "$socket" send-keys -t source-bash -l "complete -p ./tend"
    tmux -S "$socket" send-keys -t source-bash Enter
    until_true 30 pane_has "$socket" source-bash "complete -F _minimal ./tend" ||
        fail "bash-completion's loader did not give ./tend its fallback; the screen:"$'\n'"$(pane "$socket" source-bash)"
    tmux -S "$socket" send-keys -t source-bash -l "source <(./tend completion bash)"
    tmux -S "$socket" send-keys -t source-bash Enter
    expect_offer "$socket" source-bash "./tend res" Tab Tab
    end_shell "$socket" source-bash
}
if [ -e /usr/share/bash-completion/completions/tend ]; then
    echo "skipped: the loader's fallback for ./tend, as tend's completion is installed in /usr/share"
else
    check_sourced_bash "$socket"
fi

# 2. The default prefix, found by every shell with no pointer.
root="$work/root"
install_into "$root" /usr/local /usr/local /etc/fish/completions
check_files "$root" /usr/local /usr/local/share/bash-completion/completions \
    /usr/local/share/zsh/site-functions /etc/fish/completions
echo "ok: --prefix /usr/local: files and paths"

# /etc/fish as it is, with the installed completion added: the bind mount
# needs a folder, and keeps Debian's /etc/fish/config.fish.
mkdir -p "$work/etc-fish"
cp -a /etc/fish/. "$work/etc-fish/"
mkdir -p "$work/etc-fish/completions"
cp "$root/etc/fish/completions/tend.fish" "$work/etc-fish/completions/"
socket="$work/tmux-usr-local.sock"
if unshare -m --propagation private true 2>/dev/null; then
    sockets+=("$socket")
    # shellcheck disable=SC2016  # $1 and $2 are sh's
    unshare -m --propagation private sh -c '
        mount --bind "$1/root/usr/local" /usr/local &&
        mount --bind "$1/etc-fish" /etc/fish &&
        exec tmux -S "$2" -f /dev/null start-server \; set-option -g exit-empty off' \
        sh "$work" "$socket"
    check_shells "$socket" usr-local "/usr/local/bin:/usr/bin:/bin" /usr/local/bin "" "" ""
else
    echo "skipped: unshare -m is not permitted here, so the shells did not run on /usr/local"
fi
echo "ok: every shell completes tend from the installed files"
