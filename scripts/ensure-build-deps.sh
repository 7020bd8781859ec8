#!/usr/bin/env bash
# PyICU (ICU transliteration for names in Han, kana, Hangul, Arabic, Hebrew, Thai and
# Indic scripts) is built from source by pip: it needs ICU's headers and pkg-config.
# Install them from Debian's packages when they are absent.
set -euo pipefail

if pkg-config --exists icu-uc icu-i18n 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-build-deps: ICU headers missing; run: sudo apt-get install -y libicu-dev pkg-config" >&2
  exit 1
fi
echo "ensure-build-deps: installing libicu-dev and pkg-config from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libicu-dev pkg-config >/dev/null
