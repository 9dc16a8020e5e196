/*
 * binwheel's .xz decompression: liblzma's stream decoder (XZ Utils), compiled to WebAssembly
 * beside zlib's inflate, decompressing into one reused output buffer (see gunzip.c for why).
 * liblzma reads concatenated streams and stream padding itself, checks every block's
 * integrity (CRC-32, CRC-64 or SHA-256) and the index, and refuses a stream whose dictionary
 * would take more than the memory limit the caller sets.
 *
 * Memory: liblzma's state and dictionary, from the module's allocator (bump.c), which hands a
 * freed dictionary back when a later block or stream asks for one; one instance per file.
 */
#include <stddef.h>
#include <stdint.h>
#include "lzma.h"
#include "bump.h"

#define XZ_INPUT (128u << 10)
#define XZ_OUTPUT (256u << 10)

static lzma_stream stream = LZMA_STREAM_INIT;
static uint8_t *xz_in, *xz_out;

/* Allocates the buffers and the decoder; returns 0 if memory is refused. */
int bw_xz_init(uint32_t memlimit)
{
	xz_in = bw_alloc(XZ_INPUT);
	xz_out = bw_alloc(XZ_OUTPUT);
	/* An unknown check type is an error rather than skipped: every block is verified. */
	return xz_in && xz_out &&
	       lzma_stream_decoder(&stream, memlimit, LZMA_CONCATENATED | LZMA_TELL_UNSUPPORTED_CHECK) == LZMA_OK;
}

uint8_t *bw_xz_input(void) { return xz_in; }
uint8_t *bw_xz_output(void) { return xz_out; }
size_t bw_xz_input_size(void) { return XZ_INPUT; }
size_t bw_xz_output_size(void) { return XZ_OUTPUT; }

/*
 * Decodes from the `length` input bytes at `offset` into the output buffer, as far as either
 * allows; `finish` says the input ends with these bytes. Returns 1 at the end of the last
 * stream, 0 if more input or output room is needed, or minus liblzma's lzma_ret.
 */
int bw_xz_step(size_t offset, size_t length, int finish)
{
	stream.next_in = xz_in + offset;
	stream.avail_in = length;
	stream.next_out = xz_out;
	stream.avail_out = XZ_OUTPUT;
	lzma_ret status = lzma_code(&stream, finish ? LZMA_FINISH : LZMA_RUN);
	return status == LZMA_STREAM_END ? 1 : status == LZMA_OK ? 0 : -(int)status;
}

/* The offset in the input buffer of the first byte bw_xz_step() did not consume. */
size_t bw_xz_input_at(void) { return (size_t)(stream.next_in - xz_in); }
size_t bw_xz_produced(void) { return XZ_OUTPUT - stream.avail_out; }
