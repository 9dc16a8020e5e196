/* The C library the decoders are compiled against (build.sh): no libc in a freestanding wasm32
 * build, so the few functions they use come from the compiler (bulk memory instructions) and
 * from bump.c. */
#ifndef BW_STRING_H
#define BW_STRING_H
#include <stddef.h>
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* memory.copy and memory.fill instructions instead of calls to libdeflate's byte loops. */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(p, c, n) __builtin_memset((p), (c), (n))
#endif
