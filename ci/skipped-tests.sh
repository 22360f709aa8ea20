#!/usr/bin/env bash
# What the test run skipped, for ci/test.sh after Maven: Surefire's totals and every skipped test with its reason
# (from TARGET/surefire-reports/TEST-*.xml), then every real-server test that did not run (TARGET/real-server-skips.txt,
# written by ha.support.real.OneRealClusterAtATime). Under CI=true a skipped real-server test fails: one line per test, naming
# it and why, exit 1; HA_REAL_SERVERS=optional turns those lines into notes. Elsewhere they are notes too.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: ci/skipped-tests.sh [TARGET]   (TARGET: Maven's build folder, default target)

Prints Surefire's totals and each skipped test, then each real-server test that was skipped.
Under CI=true a skipped real-server test is an error, unless HA_REAL_SERVERS=optional.
Exit code: 0 nothing that must run was skipped, 1 a real-server test was skipped under CI=true, 2 bad usage.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  -*) echo "error: unknown option '$1'; see ci/skipped-tests.sh --help" >&2; exit 2 ;;
esac
[[ $# -le 1 ]] || { echo "error: one TARGET folder at most, saw $#; see ci/skipped-tests.sh --help" >&2; exit 2; }
target=${1:-target}
[[ -d "$target" ]] || { echo "error: no folder '$target' (run Maven's tests first)" >&2; exit 2; }
case "${HA_REAL_SERVERS:-required}" in
  required|optional) ;;
  *) echo "error: HA_REAL_SERVERS must be 'optional' or 'required', saw '${HA_REAL_SERVERS}'" >&2; exit 2 ;;
esac

python3 - "$target/surefire-reports" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET
folder = sys.argv[1]
files = sorted(glob.glob(os.path.join(folder, "TEST-*.xml")))
if not files:
    print(f"surefire: no reports in {folder}")
    sys.exit(0)
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
skipped = []
for f in files:
    try:
        suite = ET.parse(f).getroot()
    except ET.ParseError as e:
        print(f"surefire: cannot read {f}: {e}")
        continue
    # counted from the test cases: a JUnit suite's report holds its classes' cases but says tests="0" on its root
    for case in suite.iter("testcase"):
        totals["tests"] += 1
        for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            totals[key] += case.find(tag) is not None
    for case in suite.iter("testcase"):
        s = case.find("skipped")
        if s is not None:
            # Surefire 3.5 puts the exception's first line (then its stack) in the element's text; others use message=
            lines = (s.text or "").strip().splitlines()
            reason = s.get("message") or (lines[0] if lines else "")
            kind = s.get("type")
            if kind and reason.startswith(kind + ": "):
                reason = reason[len(kind) + 2:]
            reason = " ".join(reason.split()).removeprefix("Assumption failed: ").removeprefix("skipped: ") or "no reason given"
            skipped.append(f"{case.get('classname', '?')}.{case.get('name', '?')}: {reason}")
print("surefire: {tests} tests, {failures} failures, {errors} errors, {skipped} skipped".format(**totals))
for line in skipped:
    print(f"  skipped: {line}")
PY

skips="$target/real-server-skips.txt"
[[ -s "$skips" ]] || { echo "real-server tests: none skipped"; exit 0; }
must_run=false
[[ "${CI:-}" == true && "${HA_REAL_SERVERS:-required}" != optional ]] && must_run=true
count=0
while IFS=$'\t' read -r test reason; do
  [[ -n "$test" ]] || continue
  count=$((count + 1))
  if $must_run; then
    echo "error: real-server test $test was skipped: ${reason:-no reason given}"
  else
    echo "note: real-server test $test was skipped: ${reason:-no reason given}"
  fi
done <"$skips"
if $must_run; then
  echo "($count real-server test(s) skipped under CI=true: give the job an ArcadeDB installation, a JDK 21+ and busybox, or set HA_REAL_SERVERS=optional)"
  exit 1
fi
exit 0
