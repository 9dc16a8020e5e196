/* See string.h: liblzma's API header wants <inttypes.h> for the <stdint.h> types. */
#include <stdint.h>
