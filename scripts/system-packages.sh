#!/usr/bin/env bash
# Installs the Debian packages of system-packages.txt that are missing. `make run`, `make test`
# and `.ci/run` call it first, so that those two commands are all a fresh machine needs.
# When everything is installed it only asks dpkg, which takes a fraction of a second.
set -euo pipefail

LIST="$(dirname "$0")/../system-packages.txt"
# One package per line; a '#' starts a comment. Package names hold no glob characters.
read -r -d '' -a packages < <(sed -e 's/#.*//' "$LIST") || true

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: the names mean nothing to this system's package manager, and nothing tells us
  # what is installed. Say what is needed and go on; a missing library fails its tests loudly.
  echo "system-packages: not a Debian system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=""
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

install="apt-get install -y --no-install-recommends"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
  by_hand="apt-get update && $install$missing"
else
  sudo="sudo"
  by_hand="sudo apt-get update && sudo $install$missing"
fi

cannot_install() {
  echo "system-packages: $1. Missing:$missing" >&2
  echo "Run this once, then try again:" >&2
  echo "  $by_hand" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || cannot_install "apt-get is not available"
if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
  # Without sudo only root can install; su asks for root's password, which we must not handle.
  by_hand="su -c 'apt-get update && $install$missing'"
  cannot_install "not root and sudo is not installed"
fi

echo "== Installing system packages:$missing"
# One update, so that a fresh machine's empty package lists do not make the install fail.
$sudo apt-get update -qq || cannot_install "apt-get update failed"
# env passes DEBIAN_FRONTEND through sudo, which would otherwise drop it: no questions asked.
$sudo env DEBIAN_FRONTEND=noninteractive $install -qq$missing || cannot_install "apt-get install failed"
