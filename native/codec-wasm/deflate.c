/*
 * binwheel's deflate engine: libdeflate compiled to WebAssembly, plus what pigz-style parallel
 * compression needs from it. libdeflate only makes complete streams (its last block is marked
 * final and the stream ends mid-byte), so for every block but a member's last one,
 * bw_compress() walks the blocks it just made, clears the final bit and appends an empty stored
 * block: a sync flush, as zlib's Z_SYNC_FLUSH writes it. The outputs then concatenate into one
 * valid DEFLATE stream, and each input block is compressed independently of the others.
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

/* ---- a DEFLATE block walker: finds where the last block starts and where the stream ends ---- */

/*
 * An LSB-first bit reader with a 64-bit buffer. After refill() at least 56 bits are buffered;
 * past the end it buffers zeros, so callers compare the position with the length.
 */
struct bits {
	const uint8_t *data, *next, *end;
	uint64_t buf;
	unsigned count;
	int bad;
};

static inline void refill(struct bits *b)
{
	if (b->end - b->next >= 8) {
		uint64_t v;
		__builtin_memcpy(&v, b->next, 8); /* WebAssembly is little-endian */
		b->buf |= v << b->count;
		b->next += (63 - b->count) >> 3;
		b->count |= 56;
		return;
	}
	while (b->count <= 56) {
		if (b->next < b->end)
			b->buf |= (uint64_t)*b->next << b->count;
		b->next++; /* past the end: counts as a zero byte */
		b->count += 8;
	}
}

static inline size_t position(const struct bits *b)
{
	return 8 * (size_t)(b->next - b->data) - b->count;
}

static inline uint32_t peek(struct bits *b, unsigned n)
{
	return (uint32_t)b->buf & ((1u << n) - 1);
}

static inline void drop(struct bits *b, unsigned n)
{
	b->buf >>= n;
	b->count -= n;
}

/* Reads n (at most 32) bits. */
static inline uint32_t take(struct bits *b, unsigned n)
{
	refill(b);
	uint32_t v = peek(b, n);
	drop(b, n);
	return v;
}

/* A canonical Huffman code as a lookup table indexed by the next `bits` input bits. */
struct table {
	uint16_t entry[1 << 15]; /* symbol << 4 | code length */
	unsigned bits;
};

static int build(struct table *t, const uint8_t *lens, unsigned n)
{
	unsigned count[16] = {0}, next[16];
	unsigned max = 0;
	for (unsigned s = 0; s < n; s++) {
		count[lens[s]]++;
		if (lens[s] > max)
			max = lens[s];
	}
	if (max == 0)
		max = 1; /* no codes: any lookup is an error (entry length 0) */
	count[0] = 0;
	unsigned code = 0;
	for (unsigned l = 1; l < 16; l++) {
		code = (code + count[l - 1]) << 1;
		next[l] = code;
	}
	t->bits = max;
	for (unsigned i = 0; i < (1u << max); i++)
		t->entry[i] = 0;
	for (unsigned s = 0; s < n; s++) {
		unsigned l = lens[s];
		if (!l)
			continue;
		unsigned c = next[l]++, r = 0;
		if (c >= (1u << l))
			return 0; /* over-subscribed */
		for (unsigned i = 0; i < l; i++)
			r |= ((c >> i) & 1) << (l - 1 - i);
		for (unsigned i = r; i < (1u << max); i += 1u << l)
			t->entry[i] = (uint16_t)(s << 4 | l);
	}
	return 1;
}

/* Decodes one symbol; needs 15 buffered bits. */
static inline unsigned decode(struct bits *b, const struct table *t)
{
	uint16_t e = t->entry[peek(b, t->bits)];
	if ((e & 15) == 0) {
		b->bad = 1;
		return 0;
	}
	drop(b, e & 15);
	return e >> 4;
}

static const uint8_t LEN_EXTRA[29] = {0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0};
static const uint8_t DIST_EXTRA[30] = {0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13};

static struct table litlen, dist, precode;

/* Skips one block's symbols up to its end-of-block code. */
static void skip_symbols(struct bits *b)
{
	for (;;) {
		/* One refill covers the longest symbol: 15 + 5 + 15 + 13 bits. */
		refill(b);
		if (b->next > b->end + 8) {
			b->bad = 1; /* ran off the end */
			return;
		}
		unsigned sym = decode(b, &litlen);
		if (b->bad || sym == 256)
			return;
		if (sym > 256) {
			if (sym > 285) {
				b->bad = 1;
				return;
			}
			drop(b, LEN_EXTRA[sym - 257]);
			unsigned d = decode(b, &dist);
			if (b->bad || d > 29) {
				b->bad = 1;
				return;
			}
			drop(b, DIST_EXTRA[d]);
		}
	}
}

static void dynamic_tables(struct bits *b)
{
	static const uint8_t ORDER[19] = {16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15};
	uint8_t lens[320] = {0}, pre[19] = {0};
	unsigned hlit = take(b, 5) + 257, hdist = take(b, 5) + 1, hclen = take(b, 4) + 4;
	for (unsigned i = 0; i < hclen; i++)
		pre[ORDER[i]] = (uint8_t)take(b, 3);
	if (!build(&precode, pre, 19)) {
		b->bad = 1;
		return;
	}
	for (unsigned i = 0; i < hlit + hdist && !b->bad;) {
		refill(b);
		unsigned sym = decode(b, &precode), rep = 0, val = 0;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0) {
				b->bad = 1;
				return;
			}
			val = lens[i - 1];
			rep = 3 + take(b, 2);
		} else if (sym == 17) {
			rep = 3 + take(b, 3);
		} else {
			rep = 11 + take(b, 7);
		}
		if (i + rep > hlit + hdist) {
			b->bad = 1;
			return;
		}
		while (rep--)
			lens[i++] = (uint8_t)val;
	}
	if (b->bad || !build(&litlen, lens, hlit) || !build(&dist, lens + hlit, hdist))
		b->bad = 1;
}

static void fixed_tables(void)
{
	uint8_t lens[320];
	unsigned i = 0;
	for (; i < 144; i++) lens[i] = 8;
	for (; i < 256; i++) lens[i] = 9;
	for (; i < 280; i++) lens[i] = 7;
	for (; i < 288; i++) lens[i] = 8;
	for (; i < 288 + 32; i++) lens[i] = 5;
	build(&litlen, lens, 288);
	build(&dist, lens + 288, 32);
}

/*
 * Finds the bit where the stream's last block starts and the bit after its end; returns 0 if
 * the data is not one well-formed DEFLATE stream of exactly `len` bytes.
 */
static int walk(const uint8_t *data, size_t len, size_t *last_header, size_t *end)
{
	struct bits b = {data, data, data + len, 0, 0, 0};
	for (;;) {
		size_t header = position(&b);
		unsigned final = take(&b, 1), type = take(&b, 2);
		if (type == 0) {
			drop(&b, b.count & 7); /* to the byte boundary */
			unsigned n = take(&b, 16), nn = take(&b, 16);
			if ((n ^ nn) != 0xffff)
				return 0;
			/* Skip the stored bytes: drop what is buffered, move the pointer. */
			size_t at = position(&b) + 8 * (size_t)n;
			if (at > 8 * len)
				return 0;
			b.next = data + at / 8;
			b.buf = 0;
			b.count = 0;
		} else if (type == 1) {
			fixed_tables();
			skip_symbols(&b);
		} else if (type == 2) {
			dynamic_tables(&b);
			if (!b.bad)
				skip_symbols(&b);
		} else {
			return 0;
		}
		if (b.bad || position(&b) > 8 * len)
			return 0;
		if (final) {
			*last_header = header;
			*end = position(&b);
			return (*end + 7) / 8 == len;
		}
	}
}

/*
 * Compresses the first `n` bytes of the input buffer into the output buffer; returns the
 * compressed size, or 0 on failure. A `final` block ends the stream; any other ends in a sync
 * flush, so that the next block's output can follow it.
 */
size_t bw_compress(size_t n, int final)
{
	size_t size = libdeflate_deflate_compress(compressor, in_buf, n, out_buf, out_cap);
	if (size == 0 || final)
		return size;
	size_t last_header, end;
	if (!walk(out_buf, size, &last_header, &end))
		return 0;
	out_buf[last_header >> 3] &= (uint8_t)~(1u << (last_header & 7));
	/* The empty stored block: three zero bits from `end`, zeros to the byte boundary, then
	 * LEN = 0 and NLEN = 0xffff. */
	out_buf[end >> 3] &= (uint8_t)((1u << (end & 7)) - 1);
	size_t at = (end + 3 + 7) / 8;
	for (size_t i = (end >> 3) + 1; i < at; i++)
		out_buf[i] = 0;
	out_buf[at] = 0x00;
	out_buf[at + 1] = 0x00;
	out_buf[at + 2] = 0xff;
	out_buf[at + 3] = 0xff;
	return at + 4;
}
