/*
 * The module's one allocator, over the WebAssembly memory, for every engine in it. The
 * compressor (deflate.c) and the inflater (gunzip.c) set up what they use once and keep it; the
 * decoders (unxz.c, unzstd.c, bunzip2.c) free and reallocate their windows as the streams and
 * frames of a file ask, and get freed memory back (see bump.c), so that an instance's memory
 * stays at what its largest stream needs. An instance never holds more than BW_HEAP_LIMIT.
 */
#include <stddef.h>

#define BW_HEAP_LIMIT (256u << 20)

/* Returns 16-byte aligned memory, growing the module's memory as needed; NULL if refused. */
void *bw_alloc(size_t size);
/* Gives back what bw_alloc() returned (NULL is ignored). */
void bw_free(void *p);
