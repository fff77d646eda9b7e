#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright's own browser downloads cannot be
# fetched here). Installs it when missing; needs root for apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root." >&2
	echo "ensure-chromium: run as root, or install it yourself: apt-get update && apt-get install -y chromium" >&2
	exit 1
fi

echo "ensure-chromium: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null

if [ ! -x /usr/bin/chromium ]; then
	echo "ensure-chromium: apt-get finished but /usr/bin/chromium is still missing." >&2
	exit 1
fi
