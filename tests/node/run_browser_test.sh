#!/usr/bin/env bash
# The browser tests against a whole stack of their own with the demo content
# (CTest runs this; `tests/node/run_browser_test.sh` runs it by hand).
#   BUILD_DIR            where the services were built (default build/)
#   AKHBAR_ARTIFACTS     where the screenshot goes (default $BUILD_DIR/artifacts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
export BUILD_DIR
if [ ! -d "$ROOT/tests/node/node_modules/playwright-core" ]; then
  echo "browser test: run 'npm ci --prefix tests/node' first (deploy/install-deps.sh does)" >&2
  exit 1
fi
# shellcheck source=../../deploy/local/private_stack.sh
source "$ROOT/deploy/local/private_stack.sh"
private_stack_up browser-test
export AKHBAR_GATEWAY_URL=http://127.0.0.1:$AKHBAR_GATEWAY_PORT
export AKHBAR_EDITOR_TOKEN=${AKHBAR_DEV_EDITOR_TOKEN:-dev-editor-token}
export AKHBAR_SCREENSHOT=${AKHBAR_ARTIFACTS:-$BUILD_DIR/artifacts}/article-page.png
node --test "$ROOT/tests/node/browser/article_page.test.mjs"
# After the article page's test, whose strip must not hold these headlines.
node --test "$ROOT/tests/node/browser/hostile_markup.test.mjs"
echo "browser test: screenshot at $AKHBAR_SCREENSHOT"
