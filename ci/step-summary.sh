#!/usr/bin/env bash
# Prints a suite run's verdict as Markdown, for a GitHub job summary ($GITHUB_STEP_SUMMARY): a title, the outcome of
# the step that ran the suite, and the run's summary.txt. It reports and never fails (exit 0), except on bad usage (2).
set -euo pipefail

if [[ $# -ne 3 || "$1" == -* ]]; then
  echo "usage: ci/step-summary.sh REPORT_DIR OUTCOME TITLE   (OUTCOME: the step's outcome, e.g. success or failure)" >&2
  exit 2
fi
report_dir=$1 outcome=$2 title=$3

printf '### %s\n\n' "$title"
case "$outcome" in
  success) printf 'Outcome: **passed** (exit 0).\n\n' ;;
  failure) printf 'Outcome: **failed** (a phase failed, or the cluster could not be used). This job only reports: it fails no workflow.\n\n' ;;
  *) printf 'Outcome: **%s**.\n\n' "${outcome:-not run}" ;;
esac
if [[ -f "$report_dir/summary.txt" ]]; then
  printf '\x60\x60\x60\n'
  cat "$report_dir/summary.txt"
  printf '\n\x60\x60\x60\n\n'
  printf 'Every write attempt is in \x60history.jsonl\x60, the phases and figures in \x60report.json\x60 (in the reports artifact).\n'
else
  printf 'No summary.txt in \x60%s\x60: the run stopped before its first report (see the step log).\n' "$report_dir"
fi
