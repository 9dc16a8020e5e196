#!/bin/sh
# Builds src/wheel/libdeflate.wasm: libdeflate (Debian's copy of the upstream release, checked by
# its sha256) and glue.c, compiled with clang for wasm32, freestanding. The output is committed,
# so neither npm ci nor CI needs a C compiler; rerun this after changing glue.c.
#   apt-get install clang-14 lld-14 && native/libdeflate-wasm/build.sh
set -eu
export PATH=/usr/lib/llvm-14/bin:$PATH
VERSION=1.23
SHA256=1ab18349b9fb0ce8a0ca4116bded725be7dcbfa709e19f6f983d99df1fb8b25f
URL=http://deb.debian.org/debian/pool/main/libd/libdeflate/libdeflate_$VERSION.orig.tar.gz
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../src/wheel/libdeflate.wasm
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
curl -sSfL -o "$WORK/src.tar.gz" "$URL"
echo "$SHA256  $WORK/src.tar.gz" | sha256sum -c --quiet
tar -xzf "$WORK/src.tar.gz" -C "$WORK"
SRC=$WORK/libdeflate-$VERSION
clang-14 --target=wasm32 -O2 -ffreestanding -DFREESTANDING -nostdlib \
  -I"$SRC" -Wall -Wno-unused-function \
  -Wl,--no-entry -Wl,-z,stack-size=262144 -Wl,--strip-all \
  -Wl,--export=bw_init -Wl,--export=bw_input -Wl,--export=bw_output \
  -Wl,--export=bw_block_size -Wl,--export=bw_output_capacity -Wl,--export=bw_compress \
  -o "$OUT" "$HERE/glue.c" "$SRC/lib/deflate_compress.c" "$SRC/lib/utils.c"
sha256sum "$OUT"
