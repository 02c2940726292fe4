/* rapport.h compiles on its own in strict C99 with every warning an error (see CMakeLists.txt). */
#include <rapport.h>

int rapport_header_c99_check(void);
int rapport_header_c99_check(void) { return RAPPORT_VERSION_NUMBER >= 0 && RAPPORT_NO_ID == UINT32_MAX; }
