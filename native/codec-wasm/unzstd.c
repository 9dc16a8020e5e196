/*
 * binwheel's .zst decompression: zstd's streaming decompressor, compiled to WebAssembly beside
 * zlib's inflate, decompressing into one reused output buffer (see gunzip.c for why). One
 * context reads every frame of a file in turn, skipping skippable frames and verifying content
 * checksums, and refuses a frame whose window is over the limit the caller sets.
 *
 * Memory: the context and its window buffer, from the module's allocator (bump.c), which hands
 * a freed window back when a later frame needs one; one instance per file.
 */
#include <stddef.h>
#include <stdint.h>
#include "zstd.h"
#include "zstd_errors.h"
#include "bump.h"

#define ZS_INPUT (1u << 20)
#define ZS_OUTPUT (256u << 10)

static ZSTD_DCtx *context;
static uint8_t *zs_in, *zs_out;
static size_t input_at, produced, error;

/* Allocates the buffers and the context; returns 0 if memory is refused. */
int bw_zstd_init(int window_log_max)
{
	zs_in = bw_alloc(ZS_INPUT);
	zs_out = bw_alloc(ZS_OUTPUT);
	context = ZSTD_createDCtx();
	return zs_in && zs_out && context &&
	       !ZSTD_isError(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, window_log_max));
}

uint8_t *bw_zstd_input(void) { return zs_in; }
uint8_t *bw_zstd_output(void) { return zs_out; }
size_t bw_zstd_input_size(void) { return ZS_INPUT; }
size_t bw_zstd_output_size(void) { return ZS_OUTPUT; }

/*
 * Decodes from the `length` input bytes at `offset` into the output buffer, as far as either
 * allows. Returns 1 when a frame is complete and flushed (the file may end there), 0 if more
 * input or output room is needed, or minus the error's code (zstd_errors.h; bw_zstd_message()
 * names it).
 */
int bw_zstd_step(size_t offset, size_t length, int finish)
{
	(void)finish;
	ZSTD_inBuffer in = { zs_in + offset, length, 0 };
	ZSTD_outBuffer out = { zs_out, ZS_OUTPUT, 0 };
	size_t status = ZSTD_decompressStream(context, &out, &in);
	input_at = offset + in.pos;
	produced = out.pos;
	if (ZSTD_isError(status)) {
		error = status;
		return -(int)ZSTD_getErrorCode(status);
	}
	return status == 0;
}

size_t bw_zstd_input_at(void) { return input_at; }
size_t bw_zstd_produced(void) { return produced; }
const char *bw_zstd_message(void) { return ZSTD_getErrorName(error); }
