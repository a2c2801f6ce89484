#!/usr/bin/env bash
# Install the one-folder build for the current user (no root): the program in
# ~/.local/opt/mockinspect, a `mockinspect` command in ~/.local/bin, a menu entry and its icon.
#   packaging/linux/install.sh [BUILD_FOLDER]        (default: dist/mockinspect)
#   packaging/linux/install.sh --uninstall
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/mockinspect"
bin="$HOME/.local/bin"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$opt" "$bin/mockinspect" "$data/applications/mockinspect.desktop" \
        "$data/icons/hicolor/256x256/apps/mockinspect.png"
    echo "mockinspect removed (your database and settings are kept)"
    exit 0
fi

build="${1:-$here/../../dist/mockinspect}"
if [ ! -x "$build/mockinspect" ]; then
    echo "install.sh: no build at $build (run: make package)" >&2
    exit 1
fi
mkdir -p "$opt" "$bin" "$data/applications" "$data/icons/hicolor/256x256/apps"
rm -rf "$opt"
cp -a "$build" "$opt"
ln -sfn "$opt/mockinspect" "$bin/mockinspect"
install -m 644 "$here/mockinspect.png" "$data/icons/hicolor/256x256/apps/mockinspect.png"
sed "s|^Exec=mockinspect|Exec=$opt/mockinspect|" "$here/mockinspect.desktop" > "$data/applications/mockinspect.desktop"
chmod 644 "$data/applications/mockinspect.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "mockinspect $("$opt/mockinspect" --version | awk '{print $2}') installed in $opt; run it from the menu or as $bin/mockinspect"
