#!/usr/bin/env bash
# CI: install the build for a throw-away user, run the installed command, check the menu entry, uninstall.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: check-install.sh BUILD_FOLDER}" && pwd)"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
HOME="$home" XDG_DATA_HOME="$home/.local/share" "$here/install.sh" "$build"
QT_QPA_PLATFORM=offscreen HOME="$home" "$home/.local/bin/mockinspect" --version
desktop="$home/.local/share/applications/mockinspect.desktop"
grep -q "^Exec=$home/.local/opt/mockinspect/mockinspect %f$" "$desktop"
test -s "$home/.local/share/icons/hicolor/256x256/apps/mockinspect.png"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop"; fi
HOME="$home" XDG_DATA_HOME="$home/.local/share" "$here/install.sh" --uninstall
test ! -e "$home/.local/bin/mockinspect"
echo "linux install: ok (installed, ran, menu entry and icon in place, uninstalled)"
