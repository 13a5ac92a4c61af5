# Installs what depends on the install prefix, which is known only when
# `cmake --install` or cpack runs (cpack installs to /usr, `cmake --install`
# to /usr/local unless --prefix says otherwise): the shell completions, in the
# folders each shell searches for that prefix, and the systemd units and the
# man page, which name the installed paths.
# Run by the install script (install(SCRIPT) in packaging/CMakeLists.txt),
# with TEND_SOURCE_DIR, TEND_STAGING_DIR (a folder of the build tree), and
# TEND_INSTALL_BINDIR, _DATADIR and _MANDIR (GNUInstallDirs', relative or not).

set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix MATCHES "^(.*[^/])/+$")
  set(prefix "${CMAKE_MATCH_1}")
endif()

function(tend_install_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
tend_install_dir(bindir "${TEND_INSTALL_BINDIR}")
tend_install_dir(datadir "${TEND_INSTALL_DATADIR}")
tend_install_dir(mandir "${TEND_INSTALL_MANDIR}")

# What Debian 12's shells search, without any set-up of the user's:
# - bash-completion (2.11): ~/.local/share/bash-completion/completions, then
#   DIR/bash-completion/completions for each DIR of XDG_DATA_DIRS (by default
#   /usr/local/share:/usr/share), then /usr/share/bash-completion/completions;
# - zsh (5.9) after compinit: its fpath, with /usr/local/share/zsh/site-functions
#   and /usr/share/zsh/vendor-completions (Debian's folder for packages);
# - fish (3.6): ~/.config/fish/completions, /etc/fish/completions,
#   ~/.local/share/fish/vendor_completions.d, then DIR/fish/vendor_completions.d
#   for each DIR of XDG_DATA_DIRS, but when that is unset (the usual case, and
#   unlike bash-completion) only /usr/share/fish/vendor_completions.d.
# So /usr (the .deb) takes Debian's vendor folders, and /usr/local the folders
# searched for it, /etc/fish/completions (fish's folder for what the
# administrator installs) for fish. Under any other prefix the files go where
# bash-completion and fish would find them if XDG_DATA_DIRS named PREFIX/share,
# and zsh if fpath had PREFIX/share/zsh/site-functions (the README says how);
# ~/.local is found by bash and fish as it is.
set(bash_dir "${datadir}/bash-completion/completions")
if(prefix STREQUAL "/usr")
  set(zsh_dir "${datadir}/zsh/vendor-completions")
  set(fish_dir "${datadir}/fish/vendor_completions.d")
elseif(prefix STREQUAL "/usr/local")
  set(zsh_dir "${datadir}/zsh/site-functions")
  set(fish_dir "/etc/fish/completions")
else()
  set(zsh_dir "${datadir}/zsh/site-functions")
  set(fish_dir "${datadir}/fish/vendor_completions.d")
endif()

set(completions "${TEND_SOURCE_DIR}/completions")
file(INSTALL "${completions}/tend.bash" DESTINATION "${bash_dir}" TYPE FILE RENAME tend)
file(INSTALL "${completions}/_tend" DESTINATION "${zsh_dir}" TYPE FILE)
file(INSTALL "${completions}/tend.fish" DESTINATION "${fish_dir}" TYPE FILE)

# The units run the installed binaries and the man page names the installed
# units. They are configured in a staging folder of their own per install
# destination, so that installs running at once (the tests install and
# package the same build tree) do not write the same files.
set(system_unit_dir "${prefix}/lib/systemd/system")
set(user_unit_dir "${prefix}/lib/systemd/user")
set(TEND_BINDIR "${bindir}")
set(TEND_SYSTEM_UNIT_DIR "${system_unit_dir}")
set(TEND_USER_UNIT_DIR "${user_unit_dir}")
string(SHA1 destination "$ENV{DESTDIR}|${prefix}")
set(staging "${TEND_STAGING_DIR}/${destination}")
configure_file("${TEND_SOURCE_DIR}/packaging/tend@.service.in" "${staging}/tend@.service" @ONLY)
configure_file("${TEND_SOURCE_DIR}/packaging/tend.service.in" "${staging}/tend.service" @ONLY)
configure_file("${TEND_SOURCE_DIR}/packaging/tend.1" "${staging}/tend.1" @ONLY)
file(INSTALL "${staging}/tend@.service" DESTINATION "${system_unit_dir}" TYPE FILE)
file(INSTALL "${staging}/tend.service" DESTINATION "${user_unit_dir}" TYPE FILE)
file(INSTALL "${staging}/tend.1" DESTINATION "${mandir}/man1" TYPE FILE)
file(REMOVE_RECURSE "${staging}")
