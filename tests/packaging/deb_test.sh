#!/usr/bin/env bash
# Builds the .deb from a built tree with CPack, unpacks it into a temporary
# root with `dpkg -x` (nothing is installed on the system) and checks that
# tend runs from there and that every file the package promises is in it.
# Usage: deb_test.sh BUILD_DIR VERSION
set -euo pipefail

build=$1
version=$2
work=$(mktemp -d /tmp/tend-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb="$work/out/tend_${version}_amd64.deb"
[ -f "$deb" ] || { ls "$work/out"; fail "no $deb"; }

dpkg-deb --field "$deb" Depends | grep -q 'libuv1' || fail "Depends lacks libuv1: $(dpkg-deb --field "$deb" Depends)"
dpkg-deb --field "$deb" Section | grep -qx 'admin' || fail "Section is not admin"

root="$work/root"
dpkg -x "$deb" "$root"
out=$("$root/usr/bin/tend" --version)
[ "$out" = "tend $version" ] || fail "tend --version printed '$out'"
[ -x "$root/usr/bin/tendd" ] || fail "no usr/bin/tendd"

for f in usr/share/tend/preload.js \
         usr/share/bash-completion/completions/tend \
         usr/share/zsh/vendor-completions/_tend \
         usr/share/fish/vendor_completions.d/tend.fish \
         usr/share/man/man1/tend.1 \
         usr/lib/systemd/system/tend@.service \
         usr/lib/systemd/user/tend.service; do
    [ -f "$root/$f" ] || fail "no $f in the package"
done
grep -qx 'ExecStart=/usr/bin/tendd --foreground' "$root/usr/lib/systemd/system/tend@.service" ||
    fail "tend@.service does not run /usr/bin/tendd"
grep -qx 'User=%i' "$root/usr/lib/systemd/system/tend@.service" || fail "tend@.service has no User=%i"
# The man page's FILES name the units where the package puts them.
man="$root/usr/share/man/man1/tend.1"
grep -qx '.I /usr/lib/systemd/system/tend@.service' "$man" || fail "tend.1 does not name /usr/lib/systemd/system/tend@.service"
grep -qx '.I /usr/lib/systemd/user/tend.service' "$man" || fail "tend.1 does not name /usr/lib/systemd/user/tend.service"
if grep -q '@TEND' "$man"; then fail "tend.1 has an unconfigured @TEND...@"; fi
echo "ok: $(basename "$deb") runs and holds every file"
