#!/usr/bin/env bash
# System (Debian/Ubuntu) packages the kiosk needs beyond PyPI, installed with apt when missing.
# Usage: tools/system-packages.sh venv|test|run
# Without root or apt it prints what is missing and how to install it, and fails.
set -euo pipefail

case "${1:-run}" in
  venv) python_minor=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        if python3 -c 'import ensurepip, venv' 2>/dev/null; then exit 0; fi
        wanted=("python${python_minor}-venv") ;;
  test) wanted=(espeak-ng poppler-utils chromium ffmpeg) ;;   # poppler reads back PDFs; chromium: page tests
  run)  wanted=(espeak-ng ffmpeg) ;;
  *) echo "usage: $0 venv|test|run" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing system packages: ${missing[*]}"
  echo "install them with: sudo apt-get install ${missing[*]}"
  exit 1
fi
