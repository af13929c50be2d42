#!/usr/bin/env bash
# What the report's browser test needs (tests/browser/report.test.mjs): Debian's Chromium and
# playwright-core (only the driver: it never downloads a browser of its own), pinned, into
# .deps/browser (git-ignored). Idempotent. Set CHROMIUM=/path/to/chromium to use another build.
set -euo pipefail
cd "$(dirname "$0")/../.."
PLAYWRIGHT_CORE=1.57.0
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser: installing Debian's chromium package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    echo "browser: $chromium not found. Install Debian's Chromium (sudo apt-get install chromium)," >&2
    echo "         or point CHROMIUM at a Chromium or Chrome binary." >&2
    exit 1
  fi
fi
if [ "$(node -p "require('./.deps/browser/node_modules/playwright-core/package.json').version" 2>/dev/null)" != "$PLAYWRIGHT_CORE" ]; then
  command -v npm >/dev/null || { echo "browser: npm not found; install Node.js 18 or later (Debian: apt-get install nodejs npm)" >&2; exit 1; }
  echo "browser: installing playwright-core $PLAYWRIGHT_CORE into .deps/browser"
  mkdir -p .deps/browser
  [ -f .deps/browser/package.json ] || echo '{"private": true}' >.deps/browser/package.json
  npm install --prefix .deps/browser --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_CORE"
fi
echo "browser: $("$chromium" --version 2>/dev/null | head -1), playwright-core $PLAYWRIGHT_CORE"
