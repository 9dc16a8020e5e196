/*
 * binwheel's archive decompression: zlib's raw inflate, compiled to WebAssembly beside the
 * compressor (deflate.c), so that a .tar.gz asset is decompressed into one reused output
 * buffer instead of a fresh 512 KiB buffer per chunk, which the JavaScript heap frees only
 * lazily (tens of MiB of garbage at any time). The gzip header and trailer are read in
 * JavaScript (src/archive/gunzip.ts), which also checks the CRC-32 with Node's native crc32:
 * zlib's own, compiled to WebAssembly, cost more than half as much as the inflate.
 *
 * Memory: zlib's state and window, one input and one output buffer, from the module's
 * allocator (bump.c; one stream per instance, reset between gzip members, never freed).
 */
#include <stddef.h>
#include <stdint.h>
#include "zlib.h"
#include "bump.h"

#define GZ_INPUT (128u << 10)
#define GZ_OUTPUT (256u << 10)

static voidpf gz_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return bw_alloc((size_t)items * size);
}

static void gz_free(voidpf opaque, voidpf p) { (void)opaque; (void)p; }

static z_stream stream;
static uint8_t *gz_in, *gz_out;

/* Allocates the stream and buffers; returns 0 if memory is refused. */
int bw_gz_init(void)
{
	stream.zalloc = gz_alloc;
	stream.zfree = gz_free;
	if (inflateInit2(&stream, -15) != Z_OK)
		return 0;
	gz_in = bw_alloc(GZ_INPUT);
	gz_out = bw_alloc(GZ_OUTPUT);
	/* zlib allocates its 32 KiB window in the first inflate() call: the memory is grown for it
	 * now, since growing it later would detach the buffers' views in gunzip.ts and zip.ts. */
	bw_free(bw_alloc(1u << 15));
	return gz_in && gz_out;
}

uint8_t *bw_gz_input(void) { return gz_in; }
uint8_t *bw_gz_output(void) { return gz_out; }
size_t bw_gz_input_size(void) { return GZ_INPUT; }
size_t bw_gz_output_size(void) { return GZ_OUTPUT; }

/* Starts a new DEFLATE stream (the next gzip member). */
void bw_gz_reset(void) { inflateReset(&stream); }

/*
 * Inflates from the `length` input bytes at `offset` into the output buffer, as far as either
 * allows. Returns 1 at the end of the DEFLATE stream, 0 if more input or output room is needed,
 * -1 if the data is not DEFLATE (bw_gz_message() says why). bw_gz_input_at() and
 * bw_gz_produced() tell how far it went.
 */
int bw_gz_inflate(size_t offset, size_t length)
{
	stream.next_in = gz_in + offset;
	stream.avail_in = (uInt)length;
	stream.next_out = gz_out;
	stream.avail_out = GZ_OUTPUT;
	int status = inflate(&stream, Z_NO_FLUSH);
	if (status == Z_STREAM_END)
		return 1;
	return status == Z_OK || status == Z_BUF_ERROR ? 0 : -1;
}

/* The offset in the input buffer of the first byte bw_gz_inflate() did not consume. */
size_t bw_gz_input_at(void) { return (size_t)(stream.next_in - gz_in); }
size_t bw_gz_produced(void) { return GZ_OUTPUT - stream.avail_out; }
const char *bw_gz_message(void) { return stream.msg ? stream.msg : "invalid compressed data"; }
