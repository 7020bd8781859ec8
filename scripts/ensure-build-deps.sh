#!/usr/bin/env bash
# What pip cannot install, from Debian's packages when absent:
# - ICU's headers and pkg-config: PyICU (transliteration of names in Han, kana,
#   Hangul, Arabic, Hebrew, Thai and Indic scripts) is built from source;
# - Chromium: the browser tests drive Debian's headless Chromium through Playwright
#   (no browser is downloaded by Playwright).
set -euo pipefail

missing=()
pkg-config --exists icu-uc icu-i18n 2>/dev/null || missing+=(libicu-dev pkg-config)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-build-deps: missing; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "ensure-build-deps: installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
