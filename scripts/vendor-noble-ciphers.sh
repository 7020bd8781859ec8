#!/usr/bin/env bash
# (Re)vendor @noble/ciphers into concord/web/static/vendor/noble-ciphers/: the
# browser's ChaCha20-Poly1305 for secure messages (WebCrypto has none). Nothing is
# fetched at run time: the files are committed. Run from the repository root;
# needs npm. The tarball's integrity is checked against the pinned one.
set -euo pipefail
NAME="@noble/ciphers"
VERSION="2.4.0"
INTEGRITY="sha512-AnjFn0Jv92laAkvMrghlFZq4qQCIN/4DxFV/eooqtC2YTjB7kBeLMS2T9KJX4Dn+ZVXLOwK0lSgqDtx9gvxtiw=="
FILES=(chacha.js _arx.js _poly1305.js utils.js LICENSE)
TARGET="concord/web/static/vendor/noble-ciphers"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$NAME@$VERSION" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "integrity mismatch for $NAME@$VERSION: $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
mkdir -p "$TARGET"
for file in "${FILES[@]}"; do
  cp "$work/package/$file" "$TARGET/$file"
done
cat >"$TARGET/README.md" <<README
# $NAME $VERSION (vendored)

ChaCha20-Poly1305 for the secure-messages pages (\`/web/static/messages/*.js\`),
which WebCrypto does not offer. Unmodified files from the npm package
\`$NAME@$VERSION\` (source: https://github.com/paulmillr/noble-ciphers, audited,
MIT licence in LICENSE), tarball integrity \`$INTEGRITY\`.

Only the files ChaCha20-Poly1305 needs are kept: ${FILES[*]}.
Re-vendor with \`scripts/vendor-noble-ciphers.sh\` (pinned version and integrity).
README
echo "vendored $NAME@$VERSION into $TARGET"
