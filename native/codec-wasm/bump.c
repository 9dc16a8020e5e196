#include <stdint.h>
#include "bump.h"

extern unsigned char __heap_base;
static uintptr_t heap_top = (uintptr_t)&__heap_base;

/* Each block starts with this header (16 bytes, so that the data stays 16-byte aligned). */
struct block {
	struct block *below;
	size_t size;
	int free;
	int pad;
};
/* The block allocated last, on top of the heap. */
static struct block *top;

void *bw_alloc(size_t size)
{
	/* The smallest freed block that fits is taken whole: a decoder that frees its window and
	 * asks for one again (a new xz block or stream, zstd frame, bzip2 stream) gets the memory
	 * it had, instead of more. */
	struct block *best = NULL;
	for (struct block *b = top; b; b = b->below)
		if (b->free && b->size >= size && (!best || b->size < best->size))
			best = b;
	if (best) {
		best->free = 0;
		return best + 1;
	}
	uintptr_t at = (heap_top + 15) & ~(uintptr_t)15;
	if (size > BW_HEAP_LIMIT - (at - (uintptr_t)&__heap_base) - sizeof(struct block))
		return NULL;
	uintptr_t end = at + sizeof(struct block) + size;
	size_t have = __builtin_wasm_memory_size(0) * 65536u;
	if (end > have &&
	    __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1)
		return NULL;
	struct block *b = (struct block *)at;
	*b = (struct block){ .below = top, .size = size };
	top = b;
	heap_top = end;
	return b + 1;
}

void bw_free(void *p)
{
	if (!p)
		return;
	((struct block *)p - 1)->free = 1;
	/* Freed blocks on top of the heap go back to it. */
	while (top && top->free) {
		heap_top = (uintptr_t)top;
		top = top->below;
	}
}

/* The C library's names for them, which liblzma, zstd and bzip2 call. */
void *malloc(size_t size) { return bw_alloc(size); }
void free(void *p) { bw_free(p); }

void *calloc(size_t count, size_t size)
{
	if (size && count > (size_t)-1 / size)
		return NULL;
	void *p = bw_alloc(count * size);
	/* A reused block holds old data. */
	return p ? __builtin_memset(p, 0, count * size) : NULL;
}
