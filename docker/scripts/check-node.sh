#!/bin/sh
# check-node.sh: the node copied into the context must run here and be 20 or newer.
set -eu
. "$(dirname "$0")/lib.sh"
v=$(/usr/local/bin/node --version 2>/dev/null) || die "the node binary in the build context does not run on this base image (official Node 20 builds need glibc 2.28; Ubuntu 16.04/18.04 have 2.23/2.27). Pass tfbuild docker --node PATH with a glibc-2.17 build of Node 20 (unofficial-builds.nodejs.org, linux-x64-glibc-217)."
major=$(echo "$v" | sed 's/^v\([0-9]*\).*/\1/')
[ "$major" -ge 20 ] || die "node $v is too old: tfbuild needs Node 20 or newer."
echo "node $v"
