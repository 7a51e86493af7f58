/* The library version and the one deallocator for memory clopt hands out. */
#include "clopt/clopt.h"

#include "version.h"

#include <stdlib.h>

const char *clopt_version(void)
{
    return CLOPT_VERSION;
}

void clopt_free(void *p)
{
    free(p);
}
