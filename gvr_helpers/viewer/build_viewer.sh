#!/bin/sh
# Rebuild viewer.bundle.js from viewer_entry.js (maintainers only; the bundle is committed).
# Needs node/npm; pins are the ones recorded in README.md beside this file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cp "$here/viewer_entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --silent three@0.187.0 esbuild@0.27.0
npx esbuild viewer_entry.js --bundle --minify --format=iife --global-name=GVRViewer \
    --legal-comments=none --banner:js="/* three.js 0.187.0 and its VRButton, MIT licence, Copyright 2010-2026 Three.js Authors: see LICENSE.three.txt. Bundled by build_viewer.sh. */" --outfile=viewer.bundle.js
cp node_modules/three/LICENSE "$here/LICENSE.three.txt"
mv viewer.bundle.js "$here/viewer.bundle.js"
rm -rf "$work"
echo "wrote $here/viewer.bundle.js"
