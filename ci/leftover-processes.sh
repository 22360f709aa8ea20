#!/usr/bin/env bash
# For ci/test.sh after Maven: the ArcadeDB server processes (real servers and the stand-in) that were started since the
# tests began and still run. Every server the suite or a test starts gets -Darcadedb.server.rootPath=<its folder>; one
# still running after Maven has ended was left behind, which the suite promises never to do (not after a run, a failure
# or Ctrl-C). Each is named (secrets in its command line masked) and killed; the exit code is then 1.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: ci/leftover-processes.sh SINCE [UNDER]   (SINCE: when the tests began, in seconds since the epoch: date +%s)

Names and kills every process started at or after SINCE whose command line holds -Darcadedb.server.rootPath=
(with UNDER, only those whose server folder is inside that folder).
Exit code: 0 none left, 1 some were left (and are killed now), 2 bad usage.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  '') echo "error: SINCE is missing; see ci/leftover-processes.sh --help" >&2; exit 2 ;;
esac
[[ $# -le 2 ]] || { echo "error: SINCE and UNDER at most, saw $# arguments; see ci/leftover-processes.sh --help" >&2; exit 2; }
[[ "$1" =~ ^[0-9]+$ ]] || { echo "error: SINCE must be seconds since the epoch (date +%s), saw '$1'" >&2; exit 2; }
if [[ ! -r /proc/stat ]]; then
  echo "leftover processes: not checked (no /proc on this system)"
  exit 0
fi

python3 - "$1" "$$" "${2:-}" <<'PY'
import os, re, signal, sys

since, me, under = float(sys.argv[1]), sys.argv[2], sys.argv[3]
ticks = os.sysconf("SC_CLK_TCK")
with open("/proc/stat") as f:
    boot = next(int(l.split()[1]) for l in f if l.startswith("btime"))
secret = re.compile(r"(?i)((?:password|token|secret)[\w.]*=)\S+")
left = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    if pid == me:
        continue
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        continue                      # gone meanwhile
    state, started = fields[0], boot + int(fields[19]) / ticks
    if state == "Z" or started < since or "-Darcadedb.server.rootPath=" not in cmd:
        continue
    if under and "-Darcadedb.server.rootPath=" + under.rstrip("/") + "/" not in cmd:
        continue
    left.append((int(pid), started, secret.sub(r"\1***", cmd)))
if not left:
    print("leftover processes: none (no ArcadeDB server started by the tests still runs)")
    sys.exit(0)
for pid, started, cmd in sorted(left):
    root = re.search(r"-Darcadedb\.server\.rootPath=(\S+)", cmd).group(1)
    print(f"error: left running: pid {pid}, started {started - since:.0f} s after the tests began, "
          f"server folder {root}: {cmd[:300]}")
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
print(f"{len(left)} server process(es) outlived the tests; killed now")
sys.exit(1)
PY
