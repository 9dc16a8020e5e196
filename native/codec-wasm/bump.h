/*
 * The module's one allocator: a bump allocator over the WebAssembly memory, shared by the
 * compressor (deflate.c) and the decompressor (gunzip.c). Each instance sets up what it uses
 * once and keeps it, so nothing is ever freed.
 */
#include <stddef.h>

/* Returns 16-byte aligned memory, growing the module's memory as needed; NULL if refused. */
void *bw_alloc(size_t size);
