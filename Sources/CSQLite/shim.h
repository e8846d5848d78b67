#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: one fixed-argument wrapper per use. */
static inline int winnow_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
