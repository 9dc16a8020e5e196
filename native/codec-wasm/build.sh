#!/bin/sh
# Builds src/codec.wasm, binwheel's compression engine: libdeflate's compressor (deflate.c) and
# zlib's raw inflate (gunzip.c), from Debian's copies of the upstream releases (each checked by
# its sha256), compiled with clang for wasm32, freestanding. The output is committed, so neither
# npm ci nor CI needs a C compiler; rerun this after changing a .c file here.
#   apt-get install clang-14 lld-14 && native/codec-wasm/build.sh
set -eu
export PATH=/usr/lib/llvm-14/bin:$PATH
POOL=http://deb.debian.org/debian/pool/main
LIBDEFLATE=libdeflate-1.23
LIBDEFLATE_URL=$POOL/libd/libdeflate/libdeflate_1.23.orig.tar.gz
LIBDEFLATE_SHA256=1ab18349b9fb0ce8a0ca4116bded725be7dcbfa709e19f6f983d99df1fb8b25f
ZLIB=zlib-1.3.1
ZLIB_URL=$POOL/z/zlib/zlib_1.3.dfsg+really1.3.1.orig.tar.gz
ZLIB_SHA256=60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../src/codec.wasm
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fetch() { # url sha256
  curl -sSfL -o "$WORK/src.tar.gz" "$1"
  echo "$2  $WORK/src.tar.gz" | sha256sum -c --quiet
  tar -xzf "$WORK/src.tar.gz" -C "$WORK"
}
fetch "$LIBDEFLATE_URL" "$LIBDEFLATE_SHA256"
fetch "$ZLIB_URL" "$ZLIB_SHA256"
D=$WORK/$LIBDEFLATE
Z=$WORK/$ZLIB
# The sync flush between parallel blocks (see deflate.c); fails loudly if upstream moved.
patch -s -p1 -d "$D" < "$HERE/libdeflate-sync-flush.patch"
EXPORTS="bw_init bw_input bw_output bw_block_size bw_output_capacity bw_compress
  bw_gz_init bw_gz_input bw_gz_output bw_gz_input_size bw_gz_output_size bw_gz_reset
  bw_gz_inflate bw_gz_input_at bw_gz_produced bw_gz_message"
# Z_SOLO: zlib without the C library (allocation comes from bump.c); FREESTANDING: libdeflate's
# own memcpy and friends, which zlib's code uses too. -msimd128 (vector instructions, which
# Node has had since 16.4) measured 11 % faster compression, same output; -O3 measured no faster.
clang-14 --target=wasm32 -O2 -mbulk-memory -msimd128 -ffreestanding -nostdlib -DFREESTANDING -DZ_SOLO \
  -I"$D" -I"$Z" -Wall -Wno-unused-function \
  -Wl,--no-entry -Wl,-z,stack-size=262144 -Wl,--strip-all \
  $(for e in $EXPORTS; do printf -- '-Wl,--export=%s ' "$e"; done) \
  -o "$OUT" "$HERE/bump.c" "$HERE/deflate.c" "$HERE/gunzip.c" \
  "$D/lib/deflate_compress.c" "$D/lib/utils.c" \
  "$Z/inflate.c" "$Z/inftrees.c" "$Z/inffast.c" "$Z/zutil.c" "$Z/adler32.c" "$Z/crc32.c"
sha256sum "$OUT"
