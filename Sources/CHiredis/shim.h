// hiredis, the Redis project's own C client (Debian: libhiredis-dev), in blocking mode.
#include <hiredis/hiredis.h>
