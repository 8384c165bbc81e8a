#!/bin/sh
# What the frontend container does when it runs (frontend/Dockerfile): puts the app built into
# its image (/app/dist) into the site volume (/srv/site), whose dist/ Caddy serves read-only,
# then exits. Safe while people have the app open:
#   1. the content-hashed files (assets/) come first. This release's and the previous release's
#      stay, so a page loaded before the deploy can still fetch its lazy chunks;
#   2. then the other files, index.html last, so no page names an asset that is not there yet;
#   3. last, files of neither release go.
# Every file is written beside its place and renamed over it (one file system, so the rename is
# atomic): Caddy serves the old file or the new one, never half of one. Which assets belong to
# the current and the previous release is kept in releases/, beside dist/, where Caddy serves
# nothing. Running it again with the same image changes nothing and removes nothing.
# POSIX sh with cp, mv, rm, mkdir, find, sed, sort, grep, cmp, cut, sha256sum: busybox has them,
# and so has a Debian minbase.
set -o errexit -o nounset

BUILD=${IC_BUILD_DIR:-/app/dist}
VOLUME=${IC_SITE_VOLUME:-/srv/site}
SITE=$VOLUME/dist
STATE=$VOLUME/releases
WORK=$VOLUME/.publishing

say() { printf 'publish: %s\n' "$*"; }
fail() {
  printf 'publish: %s\n' "$*" >&2
  exit 1
}

[ -f "$BUILD/index.html" ] || fail "no $BUILD/index.html in this image"
[ -d "$VOLUME" ] && [ -w "$VOLUME" ] ||
  fail "$VOLUME is not writable by uid $(id -u): mount the site volume there (a new volume takes the owner of the image's /srv/site)"

umask 022
rm -rf "$WORK"
mkdir -p "$SITE/assets" "$STATE" "$WORK"

# The files under a folder, as paths relative to it, one a line, sorted.
files_of() { (cd "$1" && find . -type f | sed 's|^\./||' | sort); }

# BUILD/path to SITE/path: a copy beside it, then a rename over the old one.
place() {
  mkdir -p "$(dirname "$SITE/$1")"
  cp "$BUILD/$1" "$WORK/file"
  mv -f "$WORK/file" "$SITE/$1"
}

files_of "$BUILD" >"$WORK/release"
grep '^assets/' "$WORK/release" >"$WORK/assets" || true
grep -v '^assets/' "$WORK/release" | grep -vx 'index.html' >"$WORK/unhashed" || true

# The previous release: the one recorded as current, unless this is that release again (then the
# one before it). A volume with no record yet keeps every asset it has.
if [ -f "$STATE/current" ] && ! cmp -s "$STATE/current" "$WORK/assets"; then
  cp "$STATE/current" "$WORK/previous"
elif [ -f "$STATE/previous" ]; then
  cp "$STATE/previous" "$WORK/previous"
else
  files_of "$SITE" | grep '^assets/' >"$WORK/previous" || true
fi

# 1. The hashed assets. A name already there with the same bytes is left alone.
added=0
while IFS= read -r file; do
  cmp -s "$BUILD/$file" "$SITE/$file" 2>/dev/null && continue
  place "$file"
  added=$((added + 1))
done <"$WORK/assets"

# 2. The unhashed files, index.html last; then those the release no longer has.
while IFS= read -r file; do place "$file"; done <"$WORK/unhashed"
place index.html
files_of "$SITE" | grep -v '^assets/' | grep -vxF -f "$WORK/release" >"$WORK/dropped" || true
while IFS= read -r file; do rm -f "$SITE/$file"; done <"$WORK/dropped"

# 3. The record, then the assets of neither this release nor the previous one.
cp "$WORK/previous" "$STATE/previous.new" && mv -f "$STATE/previous.new" "$STATE/previous"
cp "$WORK/assets" "$STATE/current.new" && mv -f "$STATE/current.new" "$STATE/current"
sort -u "$WORK/assets" "$WORK/previous" >"$WORK/keep"
files_of "$SITE" | grep '^assets/' | grep -vxF -f "$WORK/keep" >"$WORK/old" || true
removed=0
while IFS= read -r file; do
  rm -f "$SITE/$file"
  removed=$((removed + 1))
done <"$WORK/old"
rm -rf "$WORK"

release=$(sha256sum "$SITE/index.html" | cut -c1-12)
say "release $release (sha256 of index.html) in $SITE: $(grep -c '' "$STATE/current") hashed" \
  "files, $added of them new; $removed of older releases removed"
