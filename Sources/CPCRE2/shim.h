// PCRE2 is compiled for several code-unit widths; Winnow uses UTF-8 only.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
