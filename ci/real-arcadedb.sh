#!/usr/bin/env bash
# A real ArcadeDB server installation for the real-server tests and the local target, taken from the chart's own image:
# `docker create` of <registry>/<repository>:<tag> (image.registry and image.repository of charts/arcadedb/values.yaml;
# the tag defaults to the chart's appVersion in charts/arcadedb/Chart.yaml), then `docker cp` of its /home/arcadedb.
# Prints the folder it made (use it as ARCADEDB_HOME); everything else goes to stderr.
# Cached in the git-ignored .tools/arcadedb-image/<tag>/ (not .tools/arcadedb/, which --arcadedb-version fills from Maven):
# a version tag (digits and dots) is copied once and then reused without Docker; any other tag (latest …) is pulled
# every time and copied again only when the image changed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHART="$ROOT/charts/arcadedb"

usage() {
  cat <<USAGE
Usage: ci/real-arcadedb.sh [--cache DIR] [TAG]

Copies the ArcadeDB distribution out of the chart's image (TAG: an image tag, a version or latest; empty or
omitted: the chart's appVersion) and prints the folder, for ARCADEDB_HOME. Needs Docker, except for a version tag
that is already cached.

Options:
  --cache DIR   where the copies go, one folder per tag (default: .tools/arcadedb-image in this repository)
  -h, --help    this help

Exit code: 0 the folder is ready, 1 it could not be made (Docker, the image), 2 bad usage.
USAGE
}

say() { printf 'real-arcadedb: %s\n' "$*" >&2; }
die() { printf 'real-arcadedb: error: %s\n' "$1" >&2; exit "${2:-1}"; }

cache="$ROOT/.tools/arcadedb-image" tag="" tag_given=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --cache) [[ $# -ge 2 && -n "$2" ]] || die "--cache needs a folder" 2; cache=$2; shift ;;
    -*) die "unknown option '$1'; see ci/real-arcadedb.sh --help" 2 ;;
    *) $tag_given && die "one TAG at most, saw '$tag' and '$1'" 2; tag=$1; tag_given=true ;;
  esac
  shift
done

# One value of the chart: a top-level key of Chart.yaml, or a key of the image: block of values.yaml.
chart_value() {
  local file=$1 block=$2 key=$3
  awk -v block="$block" -v key="$key" '
    block == "" && $0 ~ "^" key ":" { v = $0; sub("^" key ":[ ]*", "", v); print v; exit }
    block != "" && $0 ~ "^" block ":" { inside = 1; next }
    inside && /^[^ #]/ { exit }
    inside && $0 ~ "^  " key ":" { v = $0; sub("^  " key ":[ ]*", "", v); print v; exit }
  ' "$file" | sed -e 's/[[:space:]]#.*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/" -e 's/[[:space:]]*$//'
}

app_version=$(chart_value "$CHART/Chart.yaml" "" appVersion)
[[ -n "$app_version" ]] || die "no appVersion in $CHART/Chart.yaml"
registry=$(chart_value "$CHART/values.yaml" image registry)
repository=$(chart_value "$CHART/values.yaml" image repository)
[[ -n "$repository" ]] || die "no image.repository in $CHART/values.yaml"
tag=${tag:-$app_version}
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "'$tag' is not an image tag (example: $app_version or latest)" 2
image="${registry:+$registry/}$repository:$tag"

mkdir -p "$cache" || die "cannot create the cache folder $cache"
cache=$(cd "$cache" && pwd)
dest="$cache/$tag"
stamp="$dest/.copied-from"   # "<image> <image id>" of the copy

complete() { [[ -f "$dest/bin/server.sh" && -d "$dest/lib" && -f "$stamp" ]]; }
server_version() {
  local jar
  jar=$(find "$1/lib" -maxdepth 1 -name 'arcadedb-server-*.jar' -print -quit)
  jar=${jar##*/arcadedb-server-}
  printf '%s\n' "${jar%.jar}"
}

if [[ "$tag" =~ ^[0-9]+(\.[0-9]+)+$ ]] && complete && [[ "$(cut -d' ' -f1 "$stamp")" == "$image" ]]; then
  say "ArcadeDB $(server_version "$dest") already copied from $image"
  printf '%s\n' "$dest"
  exit 0
fi

command -v docker >/dev/null || die "docker is not on PATH: it is needed to copy ArcadeDB out of $image"
say "docker pull $image"
docker pull --quiet "$image" >&2 || die "docker could not pull $image"
id=$(docker image inspect --format '{{.Id}}' "$image") || die "docker cannot inspect $image after pulling it"
if complete && [[ "$(cat "$stamp")" == "$image $id" ]]; then
  say "ArcadeDB $(server_version "$dest") already copied from $image ($id)"
  printf '%s\n' "$dest"
  exit 0
fi

partial="$dest.partial"
rm -rf "$partial"
container=$(docker create "$image") || die "docker could not create a container of $image"
# shellcheck disable=SC2317  # called by the EXIT trap
remove_container() { docker rm --force "$container" >/dev/null 2>&1 || say "could not remove the container $container"; rm -rf "$partial"; }
trap remove_container EXIT
say "docker cp $container:/home/arcadedb (from $image)"
docker cp "$container:/home/arcadedb" "$partial" >&2 || die "docker could not copy /home/arcadedb out of $image"
[[ -f "$partial/bin/server.sh" && -d "$partial/lib" ]] \
  || die "$image has no ArcadeDB distribution in /home/arcadedb (no bin/server.sh and lib/)"
version=$(server_version "$partial")
[[ -n "$version" ]] || die "$image has no lib/arcadedb-server-*.jar in /home/arcadedb"
if [[ "$tag" =~ ^[0-9]+(\.[0-9]+)+$ && "$version" != "$tag" ]]; then
  die "$image holds ArcadeDB $version, not $tag"
fi
printf '%s %s\n' "$image" "$id" >"$partial/.copied-from"
rm -rf "$dest"
mv "$partial" "$dest"
say "ArcadeDB $version from $image is in $dest"
printf '%s\n' "$dest"
