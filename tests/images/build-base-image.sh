#!/usr/bin/env bash
# Build the test base image: no container registry is reachable, so debootstrap a minimal Debian
# bookworm that trusts this host's local CA certificates and podman-import it.
#
# The tag carries a hash of this script, so a changed recipe builds a new image and every
# scenario of a run reuses the one already built. Prints the image name on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tag=$(sha256sum "$here/build-base-image.sh" | cut -c1-12)
image="localhost/inferops-test-base:$tag"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

rootfs=$(mktemp -d /var/tmp/inferops-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

# python3 for Ansible, runit because the container's command is runsvdir (as in Azure ML's image).
debootstrap --variant=minbase --include=python3,ca-certificates,runit,procps bookworm "$rootfs" "$mirror" >&2

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES

# TLS to the package registries goes through this host's egress CA: trust it inside, and make
# pip use the system store rather than its own bundle.
cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$rootfs" update-ca-certificates >&2
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$rootfs/etc/pip.conf"

mkdir -p "$rootfs/var/runit"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin

tar -C "$rootfs" -c . | podman import \
  --change 'CMD ["/usr/bin/runsvdir", "-P", "/var/runit"]' \
  --change 'STOPSIGNAL SIGHUP' \
  - "$image" >&2
echo "$image"
