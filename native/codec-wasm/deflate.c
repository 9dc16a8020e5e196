/*
 * binwheel's deflate engine: libdeflate compiled to WebAssembly, plus what pigz-style parallel
 * compression needs from it. libdeflate only makes complete streams (its last block is marked
 * final and the stream ends mid-byte), so for every block but a member's last one, a small patch
 * (libdeflate-sync-flush.patch) keeps the final bit clear and reports how far the last byte is
 * used, and bw_compress() appends an empty stored block: a sync flush, as zlib's Z_SYNC_FLUSH
 * writes it. The outputs then concatenate into one valid DEFLATE stream, and each input block is
 * compressed independently of the others.
 *
 * Memory: one input and one output buffer of fixed size, and the compressor, from the module's
 * bump allocator (bump.c; one compressor per instance, never freed).
 */
#include <stddef.h>
#include <stdint.h>
#include "libdeflate.h"
#include "bump.h"

#define BW_BLOCK (1u << 20)
/* Room after libdeflate's worst case for the sync marker (at most 5 bytes). */
#define BW_MARKER 8

static void bump_free(void *p) { (void)p; }

static struct libdeflate_compressor *compressor;
static uint8_t *in_buf;
static uint8_t *out_buf;
static size_t out_cap;

/* Allocates the compressor and buffers; returns 0 if memory or the level is refused. */
int bw_init(int level)
{
	struct libdeflate_options options = {
		.sizeof_options = sizeof(options),
		.malloc_func = bw_alloc,
		.free_func = bump_free,
	};
	compressor = libdeflate_alloc_compressor_ex(level, &options);
	if (!compressor)
		return 0;
	out_cap = libdeflate_deflate_compress_bound(compressor, BW_BLOCK);
	in_buf = bw_alloc(BW_BLOCK);
	out_buf = bw_alloc(out_cap + BW_MARKER);
	return in_buf && out_buf;
}

uint8_t *bw_input(void) { return in_buf; }
uint8_t *bw_output(void) { return out_buf; }
size_t bw_block_size(void) { return BW_BLOCK; }
/* The most bw_compress() can return. */
size_t bw_output_capacity(void) { return out_cap + BW_MARKER; }

/* Set and read by the patched libdeflate (libdeflate-sync-flush.patch). */
extern int bw_continue;
extern unsigned bw_last_bits;

/*
 * Compresses the first `n` bytes of the input buffer into the output buffer; returns the
 * compressed size, or 0 on failure. A `final` block ends the stream; any other ends in a sync
 * flush, so that the next block's output can follow it.
 */
size_t bw_compress(size_t n, int final)
{
	/* libdeflate stores very short inputs without going through the patched code. */
	if (!final && n < 64)
		return 0;
	bw_continue = !final;
	size_t size = libdeflate_deflate_compress(compressor, in_buf, n, out_buf, out_cap);
	if (size == 0 || final)
		return size;
	/* The empty stored block: three zero bits where the data ends, zeros to the byte boundary
	 * (libdeflate pads the last byte with zeros), then LEN = 0 and NLEN = 0xffff. */
	size_t end = 8 * size - ((8 - bw_last_bits) & 7);
	size_t at = (end + 3 + 7) / 8;
	for (size_t i = size; i < at; i++)
		out_buf[i] = 0;
	out_buf[at] = 0x00;
	out_buf[at + 1] = 0x00;
	out_buf[at + 2] = 0xff;
	out_buf[at + 3] = 0xff;
	return at + 4;
}
