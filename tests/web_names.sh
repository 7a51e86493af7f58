#!/usr/bin/env bash
# The page learns its optimizers from /api/v1/optimizers: no file of web/ but presets.js (the
# page's tuned choices, keyed by name) and lessondata.js (the lessons' scenes, each one run
# through the engine by tests/lessons.test.mjs) names one as a value: a string that is an optimizer's
# name or starts a spec with it ('adam', "sgd(lr=0.1)"). Examples inside a sentence may.
# Usage: tests/web_names.sh build/clopt
set -euo pipefail
clopt=$1
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for key in $("$clopt" --list optimizers); do
  # a string that is the name, or a spec starting with it, outside comments
  hits=$(grep -rniE "['\"\`]$key['\"\`(]" "$root/web/js" "$root/web/index.html" \
           --exclude=presets.js --exclude=lessondata.js | grep -vE '^[^:]+:[0-9]+:\s*(//|/?\*)' || true)
  if [ -n "$hits" ]; then
    echo "web/ names the optimizer '$key' outside presets.js and lessondata.js:"; echo "$hits"; status=1
  fi
done
[ $status -eq 0 ] && echo "web/ names no optimizer outside presets.js and lessondata.js"
exit $status
