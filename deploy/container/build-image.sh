#!/usr/bin/env bash
# Builds the Taskgrid container image without a registry, from Debian packages:
#   1. the distribution: mvn package -pl deploy -am (skipped with --no-maven if deploy/target/dist
#      is built already);
#   2. the base: a Debian rootfs by mmdebstrap (suite pinned, essential variant + JRE 17 headless
#      + tini, user taskgrid 65532), cached as deploy/target/container/base-<key>.tar and imported
#      as localhost/taskgrid-base:<key> (rebuilt only when this script's base recipe changes);
#   3. the image: podman build of the distribution onto the base, tagged IMAGE (default
#      taskgrid/taskgrid:<project version>, the name deploy/k8s and deploy/compose use), saved as
#      deploy/target/container/taskgrid-image.tar (docker-archive: podman load / docker load).
# Needs: podman, runc, mmdebstrap (Debian: apt-get install podman runc mmdebstrap uidmap), root.
# Environment: TASKGRID_IMAGE, TASKGRID_DEBIAN_SUITE (bookworm), TASKGRID_DEBIAN_MIRROR (a
# snapshot.debian.org URL pins the package versions too), SOURCE_DATE_EPOCH (default: the last
# commit's time), CONTAINERS_CONF (default: deploy/container/containers.conf).
# Options: --no-maven, --with-prometheus (also the Prometheus image the compose test uses).
set -euo pipefail

container_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy="$(dirname "$container_dir")"
out="$deploy/target/container"
maven=1
prometheus=0
for arg in "$@"; do
  case "$arg" in
    --no-maven) maven=0 ;;
    --with-prometheus) prometheus=1 ;;
    *) echo "build-image.sh: unknown option $arg (expected --no-maven, --with-prometheus)" >&2; exit 2 ;;
  esac
done
for tool in podman mmdebstrap; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-image.sh: $tool is missing (Debian: apt-get install podman runc mmdebstrap uidmap)" >&2
    exit 1
  fi
done
export CONTAINERS_CONF="${CONTAINERS_CONF:-$container_dir/containers.conf}"
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$deploy/pom.xml" | head -1)"
image="${TASKGRID_IMAGE:-taskgrid/taskgrid:$version}"
suite="${TASKGRID_DEBIAN_SUITE:-bookworm}"
mirror="${TASKGRID_DEBIAN_MIRROR:-}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$deploy" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
export SOURCE_DATE_EPOCH
mkdir -p "$out"

# mmdebstrap writes a rootfs tar; the hooks add the user (the essential variant has no useradd)
# and drop what a server does not need. Its key changes whenever the recipe does.
base_packages="openjdk-17-jre-headless,tini"
base_recipe="v2 $suite $mirror $base_packages"
key="$(printf '%s' "$base_recipe" | sha256sum | cut -c1-12)"

# Builds a rootfs tar: NAME, PACKAGES, then extra mmdebstrap options.
rootfs() {
  local name="$1" tar="$out/$1-$key.tar" packages="$2"
  shift 2
  if [ -f "$tar" ]; then
    echo "build-image.sh: $name rootfs cached: ${tar#"$deploy/"}"
    return
  fi
  echo "build-image.sh: mmdebstrap $suite + $packages"
  local args=(--variant=essential "--include=$packages" --format=tar
    --essential-hook='mkdir -p "$1/usr/share/man/man1"'
    --dpkgopt='path-exclude=/usr/share/man/*'
    --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-exclude=/usr/share/info/*'
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log "$1"/var/log/apt/*'
    "$@")
  # shellcheck disable=SC2086
  if ! mmdebstrap "${args[@]}" "$suite" "$tar.partial" $mirror; then
    rm -f "$tar.partial"
    echo "build-image.sh: mmdebstrap failed (its output is above)" >&2
    exit 1
  fi
  mv "$tar.partial" "$tar"
}

# Imports a rootfs tar as IMAGE unless that tag exists.
import_base() {
  local tar="$1" tag="$2"
  if ! podman image exists "$tag"; then
    podman import --quiet "$tar" "$tag" >/dev/null
  fi
}

rootfs base "$base_packages" \
  --customize-hook='echo "taskgrid:x:65532:65532:taskgrid:/home/taskgrid:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "taskgrid:x:65532:" >> "$1/etc/group"' \
  --customize-hook='mkdir -p "$1/home/taskgrid" && chown 65532:65532 "$1/home/taskgrid" && chmod 0750 "$1/home/taskgrid"'
import_base "$out/base-$key.tar" "localhost/taskgrid-base:$key"

if [ "$maven" = 1 ]; then
  echo "build-image.sh: building the distribution (mvn package -pl deploy -am)"
  (cd "$deploy/.." && mvn -B -ntp -q package -pl deploy -am -DskipTests)
fi
if [ ! -d "$deploy/target/dist/lib" ]; then
  echo "build-image.sh: $deploy/target/dist/lib is missing (run without --no-maven)" >&2
  exit 1
fi

# The build context: only what the image holds.
context="$out/context"
rm -rf "$context"
mkdir -p "$context/bin"
cp -a "$deploy/target/dist/lib" "$context/lib"
cp "$deploy/target/dist/taskgrid_completion" "$context/taskgrid_completion"
cp "$deploy/bin/taskgrid" "$container_dir/taskgrid-healthcheck" "$container_dir/taskgrid-entrypoint" \
  "$context/bin/"
chmod 0755 "$context/bin/"*
echo "build-image.sh: podman build $image"
podman build --quiet --format docker --timestamp "$SOURCE_DATE_EPOCH" \
  --build-arg "BASE=localhost/taskgrid-base:$key" \
  -f "$container_dir/Containerfile" -t "$image" "$context" >/dev/null
rm -f "$out/taskgrid-image.tar"
podman save --quiet --format docker-archive -o "$out/taskgrid-image.tar" "$image"

if [ "$prometheus" = 1 ]; then
  rootfs prometheus prometheus \
    --customize-hook='mkdir -p "$1/prometheus" && chown 65534:65534 "$1/prometheus"'
  import_base "$out/prometheus-$key.tar" "localhost/taskgrid-prometheus-base:$key"
  podman build --quiet --format docker --timestamp "$SOURCE_DATE_EPOCH" \
    --build-arg "BASE=localhost/taskgrid-prometheus-base:$key" \
    -f "$container_dir/Containerfile.prometheus" -t localhost/taskgrid-prometheus:debian \
    "$container_dir" >/dev/null
fi
echo "build-image.sh: $image ($(podman image inspect --format '{{.Size}}' "$image") bytes)," \
  "saved as ${out#"$deploy/"}/taskgrid-image.tar"
