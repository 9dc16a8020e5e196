#!/bin/sh
# Extract the archive into python/toondb/{_bin,lib}/linux-x86_64, then `maturin build`.
set -eu
rm -rf dist python/toondb/_bin python/toondb/lib .x
mkdir -p python/toondb/_bin python/toondb/lib .x
tar -xzf "$TOONDB_ARCHIVE" -C .x --strip-components=1
mv .x/bin python/toondb/_bin/linux-x86_64
mv .x/lib python/toondb/lib/linux-x86_64
rm -rf .x
exec maturin build --release --offline --quiet -o dist
