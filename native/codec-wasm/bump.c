#include <stdint.h>
#include "bump.h"

extern unsigned char __heap_base;
static uintptr_t heap_top = (uintptr_t)&__heap_base;

void *bw_alloc(size_t size)
{
	uintptr_t at = (heap_top + 15) & ~(uintptr_t)15;
	uintptr_t end = at + size;
	size_t have = __builtin_wasm_memory_size(0) * 65536u;
	if (end > have &&
	    __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1)
		return NULL;
	heap_top = end;
	return (void *)at;
}
