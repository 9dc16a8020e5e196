#!/bin/sh
# Builds src/codec/codec.wasm, binwheel's compression engine: libdeflate's compressor (deflate.c),
# zlib's raw inflate (gunzip.c), and the decoders of the other archive compressions: liblzma's
# (unxz.c), zstd's (unzstd.c) and libbzip2's (bunzip2.c). Each from Debian's copy of the upstream
# release (checked by its sha256), compiled with clang for wasm32, freestanding. The output is
# committed, so neither npm ci nor CI needs a C compiler; rerun this after changing a file here.
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
XZ=xz-5.4.1
XZ_URL=$POOL/x/xz-utils/xz-utils_5.4.1.orig.tar.xz
XZ_SHA256=5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5
ZSTD=zstd-1.5.4
ZSTD_URL=$POOL/libz/libzstd/libzstd_1.5.4+dfsg2.orig.tar.xz
ZSTD_SHA256=8cf4bbb65e77ec348d052c8d6230eba66d435bddf64c8b5be2fcb16880c19953
BZIP2=bzip2-1.0.8
BZIP2_URL=$POOL/b/bzip2/bzip2_1.0.8.orig.tar.gz
BZIP2_SHA256=ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../src/codec/codec.wasm
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fetch() { # url sha256
  curl -sSfL -o "$WORK/src.tar" "$1"
  echo "$2  $WORK/src.tar" | sha256sum -c --quiet
  tar -xf "$WORK/src.tar" -C "$WORK"
}
fetch "$LIBDEFLATE_URL" "$LIBDEFLATE_SHA256"
fetch "$ZLIB_URL" "$ZLIB_SHA256"
fetch "$XZ_URL" "$XZ_SHA256"
fetch "$ZSTD_URL" "$ZSTD_SHA256"
fetch "$BZIP2_URL" "$BZIP2_SHA256"
D=$WORK/$LIBDEFLATE
Z=$WORK/$ZLIB
X=$WORK/$XZ/src/liblzma
S=$WORK/$ZSTD/lib
B=$WORK/$BZIP2
# The sync flush between parallel blocks (see deflate.c); fails loudly if upstream moved.
patch -s -p1 -d "$D" < "$HERE/libdeflate-sync-flush.patch"
EXPORTS="bw_init bw_input bw_output bw_block_size bw_output_capacity bw_compress
  bw_gz_init bw_gz_input bw_gz_output bw_gz_input_size bw_gz_output_size bw_gz_reset
  bw_gz_inflate bw_gz_input_at bw_gz_produced bw_gz_message"
for d in xz zstd bz; do
  EXPORTS="$EXPORTS bw_${d}_init bw_${d}_input bw_${d}_output bw_${d}_input_size bw_${d}_output_size
    bw_${d}_step bw_${d}_input_at bw_${d}_produced"
done
EXPORTS="$EXPORTS bw_zstd_message"
# -msimd128 (vector instructions, which Node has had since 16.4) measured 11 % faster
# compression, same output; -O3 measured no faster, and 5 to 10 % slower xz and zstd decoding.
CC="clang-14 --target=wasm32 -O2 -mbulk-memory -msimd128 -ffreestanding -nostdlib -Wall -Wno-unused-function"
cc() { # output, flags and sources: one object per library, each with its own defines
  o=$WORK/$1.o; shift
  $CC -c -o "$o" "$@"
  OBJECTS="${OBJECTS:-} $o"
}
# Z_SOLO: zlib without the C library (allocation comes from bump.c); FREESTANDING: libdeflate's
# own memcpy and friends, which zlib's code uses too.
for f in "$HERE/bump.c" "$HERE/deflate.c" "$HERE/gunzip.c" "$D/lib/deflate_compress.c" "$D/lib/utils.c" \
  "$Z/inflate.c" "$Z/inftrees.c" "$Z/inffast.c" "$Z/zutil.c" "$Z/adler32.c" "$Z/crc32.c"; do
  cc "$(basename "$(dirname "$f")")-$(basename "$f" .c)" -DFREESTANDING -DZ_SOLO -I"$D" -I"$Z" "$f"
done
# The decoders see the few C library functions they use through libc/ (the compiler's bulk
# memory instructions and bump.c's allocator), and are built without assertions.
DEC="-I$HERE/libc -I$HERE -DNDEBUG"
# liblzma: the .xz stream decoder with every filter and check type xz writes, no threads.
for f in common/common.c common/stream_decoder.c common/stream_flags_common.c \
  common/stream_flags_decoder.c common/block_decoder.c common/block_header_decoder.c \
  common/block_util.c common/filter_common.c common/filter_decoder.c common/filter_flags_decoder.c \
  common/index_hash.c common/vli_decoder.c common/vli_size.c check/check.c check/crc32_fast.c \
  check/crc32_table.c check/crc64_fast.c check/crc64_table.c check/sha256.c lz/lz_decoder.c \
  lzma/lzma_decoder.c lzma/lzma2_decoder.c simple/simple_coder.c simple/simple_decoder.c \
  simple/x86.c simple/powerpc.c simple/ia64.c simple/arm.c simple/armthumb.c simple/arm64.c \
  simple/sparc.c delta/delta_common.c delta/delta_decoder.c; do
  cc "xz-$(echo "$f" | tr / -)" $DEC -DHAVE_STDBOOL_H -DHAVE_STDINT_H -DHAVE_INTTYPES_H -DSIZEOF_SIZE_T=4 \
    -DHAVE_VISIBILITY=0 -DTUKLIB_SYMBOL_PREFIX=lzma_ -DHAVE_CHECK_CRC32 -DHAVE_CHECK_CRC64 \
    -DHAVE_CHECK_SHA256 -DHAVE_DECODERS -DHAVE_DECODER_LZMA1 -DHAVE_DECODER_LZMA2 \
    -DHAVE_DECODER_DELTA -DHAVE_DECODER_X86 -DHAVE_DECODER_POWERPC -DHAVE_DECODER_IA64 \
    -DHAVE_DECODER_ARM -DHAVE_DECODER_ARMTHUMB -DHAVE_DECODER_ARM64 -DHAVE_DECODER_SPARC \
    -I"$X/api" -I"$X/common" -I"$X/check" -I"$X/lz" -I"$X/lzma" -I"$X/rangecoder" -I"$X/simple" \
    -I"$X/delta" -I"$WORK/$XZ/src/common" "$X/$f"
done
cc unxz $DEC -I"$X/api" "$HERE/unxz.c"
# zstd: the decompressor only, without the legacy formats or dictionary training.
for f in common/entropy_common.c common/error_private.c common/fse_decompress.c common/xxhash.c \
  common/zstd_common.c decompress/huf_decompress.c decompress/zstd_ddict.c \
  decompress/zstd_decompress.c decompress/zstd_decompress_block.c; do
  cc "zstd-$(echo "$f" | tr / -)" $DEC -DZSTD_DISABLE_ASM -DZSTD_LEGACY_SUPPORT=0 -DZSTD_NO_TRACE \
    -DXXH_NO_XXH3 -I"$S" -I"$S/common" "$S/$f"
done
cc unzstd $DEC -I"$S" "$HERE/unzstd.c"
# libbzip2 without stdio (bunzip2.c answers its internal-error callback).
for f in bzlib.c decompress.c huffman.c crctable.c randtable.c; do
  cc "bz-$(basename "$f" .c)" $DEC -DBZ_NO_STDIO -Wno-unused-but-set-variable -I"$B" "$B/$f"
done
cc bunzip2 $DEC -DBZ_NO_STDIO -I"$B" "$HERE/bunzip2.c"
# shellcheck disable=SC2086
$CC -Wl,--no-entry -Wl,-z,stack-size=262144 -Wl,--strip-all \
  $(for e in $EXPORTS; do printf -- '-Wl,--export=%s ' "$e"; done) \
  -o "$OUT" $OBJECTS
sha256sum "$OUT"
