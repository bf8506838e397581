#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, a PostgreSQL server,
# the fonts that documents are typeset in (Liberation Serif: the metrics of Times New Roman).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
fc-list 2>/dev/null | grep -qi "liberation serif" || missing+=(fonts-liberation)
# Tests read printed PDFs back with pdftotext.
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Устанавливаю: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
