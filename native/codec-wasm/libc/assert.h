/* See string.h: the decoders are built without their debugging assertions (NDEBUG). */
#define assert(condition) ((void)0)
