#!/usr/bin/env bash
# Build mockinspect.app and a DMG on a Mac with Python 3.11+ (Xcode command-line tools for hdiutil/codesign).
#   packaging/macos/build-dmg.sh                  unsigned (runs after right-click > Open)
#   SIGN_ID="Developer ID Application: Example Ltd (TEAMID)" NOTARY_PROFILE=mockinspect packaging/macos/build-dmg.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
test -d .venv || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[dev]'
.venv/bin/pyinstaller packaging/mockinspect.spec --noconfirm --distpath dist --workpath build/pyinstaller --log-level ERROR
version="$(QT_QPA_PLATFORM=offscreen dist/mockinspect/mockinspect --version | awk '{print $2}')"
QT_QPA_PLATFORM=offscreen dist/mockinspect.app/Contents/MacOS/mockinspect --smoke
if [ -n "${SIGN_ID:-}" ]; then
    codesign --force --deep --options runtime --timestamp --sign "$SIGN_ID" dist/mockinspect.app
    codesign --verify --strict --verbose=2 dist/mockinspect.app
fi
dmg="dist/mockinspect-$version.dmg"
rm -f "$dmg"
staging="$(mktemp -d)"
cp -R dist/mockinspect.app "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "mockinspect $version" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"
if [ -n "${SIGN_ID:-}" ]; then
    codesign --sign "$SIGN_ID" --timestamp "$dmg"
    if [ -n "${NOTARY_PROFILE:-}" ]; then
        xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$dmg"
    fi
fi
echo "$dmg"
