#!/usr/bin/env bash
# Vendor front-end packages into static/vendor/ from the npm registry.
#
# The app must never load CSS/JS/fonts from outside hosts at run time, so the
# files are copied into the repo and served as Django static files.
#
# Usage:  scripts/vendor_frontend.sh
#
# To update a package: change its *_VERSION and *_INTEGRITY below
# (get the integrity with `npm view <name>@<version> dist.integrity`),
# run this script, review `git diff`, and update static/vendor/VENDORED.md.
#
# Requires: npm, tar, openssl, awk, sed, grep.
set -euo pipefail

# ---- pinned versions (+ npm dist.integrity of each tarball) -----------------
BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_INTEGRITY="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="

BOOTSTRAP_ICONS_VERSION="1.13.2"
BOOTSTRAP_ICONS_INTEGRITY="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="

HTMX_VERSION="2.0.11"
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

INTER_VERSION="5.3.0"
INTER_INTEGRITY="sha512-OupL48va4JNofb97w6NYeF9S7W/kHNKM0Er8Dem5nqi4jeOLrVJDoE8tZEpnMJmtkvNbB1EIPPwHcdkF6b1oUA=="
# Inter unicode subsets to keep (only the "wght" axis, normal style).
INTER_SUBSETS=(latin latin-ext)

# axe-core is used only by the browser tests (tests/test_browser_a11y.py), never by shipped pages.
AXE_CORE_VERSION="4.14.1"
AXE_CORE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
# -----------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$REPO_ROOT/static/vendor"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

die() { echo "error: $*" >&2; exit 1; }

# fetch <npm-name> <version> <integrity>  -> prints extracted package dir
fetch() {
    local name="$1" version="$2" integrity="$3"
    local dest="$WORK/$(echo "$name" | tr '/@' '__')"
    mkdir -p "$dest"
    local tgz
    tgz="$(cd "$dest" && npm pack "${name}@${version}" --loglevel=error --pack-destination "$dest" | tail -n1)"
    [[ -f "$dest/$tgz" ]] || die "npm pack ${name}@${version} produced no tarball"
    local actual="sha512-$(openssl dgst -sha512 -binary "$dest/$tgz" | base64 -w0)"
    [[ "$actual" == "$integrity" ]] \
        || die "integrity mismatch for ${name}@${version}: got $actual, expected $integrity"
    tar -xzf "$dest/$tgz" -C "$dest"
    local got
    got="$(node -p "require('$dest/package/package.json').version")"
    [[ "$got" == "$version" ]] || die "${name}: package.json says $got, expected $version"
    echo "$dest/package"
}

# put <src> <dst>: copy one file, mode 0644, creating directories
put() { install -D -m 0644 "$1" "$2"; }

# Remove source-map comments (the .map files are not vendored; browsers and
# Django's ManifestStaticFilesStorage would otherwise look for them).
strip_sourcemaps() {
    sed -i -E '/^\/\*# sourceMappingURL=.*\*\/[[:space:]]*$/d; /^\/\/# sourceMappingURL=/d' "$1"
}

# ---- download + verify everything first; nothing in static/vendor is touched
# ---- unless all five tarballs pass the integrity check ------------------------
echo "fetching bootstrap@$BOOTSTRAP_VERSION"
PKG_BOOTSTRAP="$(fetch bootstrap "$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY")"
echo "fetching bootstrap-icons@$BOOTSTRAP_ICONS_VERSION"
PKG_BOOTSTRAP_ICONS="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION" "$BOOTSTRAP_ICONS_INTEGRITY")"
echo "fetching htmx.org@$HTMX_VERSION"
PKG_HTMX="$(fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY")"
echo "fetching @fontsource-variable/inter@$INTER_VERSION"
PKG_INTER="$(fetch @fontsource-variable/inter "$INTER_VERSION" "$INTER_INTEGRITY")"
echo "fetching axe-core@$AXE_CORE_VERSION"
PKG_AXE_CORE="$(fetch axe-core "$AXE_CORE_VERSION" "$AXE_CORE_INTEGRITY")"

# ---- bootstrap ---------------------------------------------------------------
pkg="$PKG_BOOTSTRAP"
out="$VENDOR/bootstrap"
rm -rf "$out"
put "$pkg/dist/css/bootstrap.min.css"       "$out/bootstrap.min.css"
put "$pkg/dist/js/bootstrap.bundle.min.js"  "$out/bootstrap.bundle.min.js"
put "$pkg/LICENSE"                          "$out/LICENSE"
strip_sourcemaps "$out/bootstrap.min.css"
strip_sourcemaps "$out/bootstrap.bundle.min.js"

# ---- bootstrap-icons ---------------------------------------------------------
pkg="$PKG_BOOTSTRAP_ICONS"
out="$VENDOR/bootstrap-icons"
rm -rf "$out"
# The CSS refers to url("fonts/bootstrap-icons.woff2?<hash>"), so keep fonts/ next to it.
put "$pkg/font/bootstrap-icons.min.css"          "$out/bootstrap-icons.min.css"
put "$pkg/font/fonts/bootstrap-icons.woff2"      "$out/fonts/bootstrap-icons.woff2"
put "$pkg/font/fonts/bootstrap-icons.woff"       "$out/fonts/bootstrap-icons.woff"
put "$pkg/bootstrap-icons.svg"                   "$out/bootstrap-icons.svg"
put "$pkg/LICENSE"                               "$out/LICENSE"
strip_sourcemaps "$out/bootstrap-icons.min.css"

# ---- htmx --------------------------------------------------------------------
pkg="$PKG_HTMX"
out="$VENDOR/htmx"
rm -rf "$out"
put "$pkg/dist/htmx.min.js" "$out/htmx.min.js"
put "$pkg/LICENSE"          "$out/LICENSE"
strip_sourcemaps "$out/htmx.min.js"

# ---- @fontsource-variable/inter ---------------------------------------------
pkg="$PKG_INTER"
out="$VENDOR/inter"
rm -rf "$out"
mkdir -p "$out/files"
css="$out/inter.css"
{
    echo "/* Inter Variable (wght axis, normal style) from @fontsource-variable/inter@$INTER_VERSION."
    echo "   Extracted from the package's wght.css; only subsets: ${INTER_SUBSETS[*]}."
    echo "   Generated by scripts/vendor_frontend.sh - do not edit by hand. */"
    echo
} > "$css"
for subset in "${INTER_SUBSETS[@]}"; do
    block="inter-${subset}-wght-normal"
    # Each @font-face in wght.css is preceded by a "/* <block> */" comment line.
    awk -v want="/* $block */" '
        /^\/\* inter-.* \*\/$/ { keep = ($0 == want) }
        keep && NF { print }
    ' "$pkg/wght.css" >> "$css"
    echo >> "$css"
    grep -q "url(./files/${block}.woff2)" "$css" || die "Inter: block $block not found in wght.css"
    put "$pkg/files/${block}.woff2" "$out/files/${block}.woff2"
done
sed -i '${/^$/d}' "$css"    # no trailing blank line
put "$pkg/LICENSE" "$out/LICENSE"

# ---- axe-core ----------------------------------------------------------------
pkg="$PKG_AXE_CORE"
out="$VENDOR/axe-core"
rm -rf "$out"
put "$pkg/axe.min.js"   "$out/axe.min.js"
put "$pkg/LICENSE"      "$out/LICENSE"
strip_sourcemaps "$out/axe.min.js"

# ---- checks ------------------------------------------------------------------
fail=0
for f in $(find "$VENDOR" -name '*.css' | sort); do
    dir="$(dirname "$f")"
    # 1. no absolute/protocol-relative url(...) that a browser would fetch
    if grep -nEo 'url\([[:space:]]*["'\'']?(https?:)?//[^)]*\)' "$f"; then
        echo "error: $f references an outside host" >&2; fail=1
    fi
    if grep -nE '@import' "$f"; then
        echo "error: $f contains @import" >&2; fail=1
    fi
    # 2. every relative url(...) resolves to a vendored file
    while IFS= read -r u; do
        [[ "$u" == data:* ]] && continue
        p="${u%%[?#]*}"
        [[ -f "$dir/$p" ]] || { echo "error: $f: url($u) does not resolve" >&2; fail=1; }
    done < <(grep -oE 'url\([^)]*\)' "$f" | sed -E 's/^url\([[:space:]]*["'\'']?//; s/["'\'']?[[:space:]]*\)$//')
done
if grep -rln 'sourceMappingURL' "$VENDOR" --include='*.css' --include='*.js'; then
    echo "error: sourceMappingURL comments left in the files above" >&2; fail=1
fi
[[ $fail -eq 0 ]] || die "checks failed"

echo "done; vendored files:"
(cd "$VENDOR" && find bootstrap bootstrap-icons htmx inter axe-core -type f | sort | xargs ls -l | awk '{printf "  %9d  %s\n", $5, $9}')
