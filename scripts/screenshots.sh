#!/usr/bin/env bash
# Writes the screenshots linked from docs/web.md (docs/screenshots/*.png): builds everything,
# then runs the page's screens, chosen-name and browser-cap tests in headless Chromium with
# TEMPMAIL_DOCS_SCREENSHOTS=1.
# Every test run writes the same screens (and more) to apps/web/test-results/ regardless.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
cd apps/web
TEMPMAIL_DOCS_SCREENSHOTS=1 exec node --import tsx --test test/screens.e2e.test.ts test/chosen-name.e2e.test.ts test/browser-cap.e2e.test.ts
