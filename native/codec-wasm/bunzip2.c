/*
 * binwheel's .bz2 decompression: libbzip2's decompressor, compiled to WebAssembly beside zlib's
 * inflate, decompressing into one reused output buffer (see gunzip.c for why). libbzip2 checks
 * every block's CRC and the stream's combined CRC; a file may hold several streams one after
 * the other (pbzip2 and lbzip2 write one per block), each decoded by a fresh decompressor.
 *
 * Memory: one stream's state and its block (up to 3.6 MB at -9), from the module's allocator
 * (bump.c), freed at the end of each stream and reused by the next; one instance per file.
 */
#include <stddef.h>
#include <stdint.h>
#include "bzlib.h"
#include "bump.h"

#define BZ_INPUT (128u << 10)
#define BZ_OUTPUT (256u << 10)

static bz_stream stream;
static uint8_t *bz_in, *bz_out;
/* The current stream has ended: more input starts another. */
static int ended;

/* Allocates the buffers and the decompressor; returns 0 if memory is refused. */
int bw_bz_init(void)
{
	bz_in = bw_alloc(BZ_INPUT);
	bz_out = bw_alloc(BZ_OUTPUT);
	return bz_in && bz_out && BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK;
}

uint8_t *bw_bz_input(void) { return bz_in; }
uint8_t *bw_bz_output(void) { return bz_out; }
size_t bw_bz_input_size(void) { return BZ_INPUT; }
size_t bw_bz_output_size(void) { return BZ_OUTPUT; }

/*
 * Decodes from the `length` input bytes at `offset` into the output buffer, as far as either
 * allows. Returns 1 at the end of a stream (the file may end there), 0 if more input or output
 * room is needed, or libbzip2's (negative) error code.
 */
int bw_bz_step(size_t offset, size_t length, int finish)
{
	(void)finish;
	stream.next_in = (char *)bz_in + offset;
	stream.avail_in = (unsigned)length;
	stream.next_out = (char *)bz_out;
	stream.avail_out = BZ_OUTPUT;
	if (ended) {
		if (length == 0)
			return 1;
		BZ2_bzDecompressEnd(&stream);
		if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK)
			return BZ_MEM_ERROR;
		ended = 0;
	}
	int status = BZ2_bzDecompress(&stream);
	if (status == BZ_STREAM_END) {
		ended = 1;
		return 1;
	}
	return status == BZ_OK ? 0 : status < 0 ? status : BZ_DATA_ERROR;
}

size_t bw_bz_input_at(void) { return (size_t)((uint8_t *)stream.next_in - bz_in); }
size_t bw_bz_produced(void) { return BZ_OUTPUT - stream.avail_out; }

/* Called by libbzip2 on an internal inconsistency (BZ_NO_STDIO): a trap, which the caller
 * reports as damaged data. */
void bz_internal_error(int code)
{
	(void)code;
	__builtin_trap();
}
