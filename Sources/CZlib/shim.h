// zlib's inflate API for the Train module's gzip reader (Debian/Ubuntu: zlib1g-dev).
#include <zlib.h>
