/*
 * Loaded with LD_PRELOAD by the CLI and server tests: before main, sets the process's locale
 * to $CLOPT_TEST_LOCALE (de_DE.UTF-8: a comma decimal point), as a program that embeds clopt
 * and calls setlocale(LC_ALL, ...) does. A locale that cannot be set ends the process with
 * status 3 and a sentence: a test that needs it fails rather than passing in the C locale.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void clopt_test_set_locale(void)
{
    const char *name = getenv("CLOPT_TEST_LOCALE");
    if (!name) return;
    if (!setlocale(LC_ALL, name)) {
        fprintf(stderr,
                "locale_preload: setlocale(LC_ALL, \"%s\") failed; expected an installed locale "
                "(tools/deps generates de_DE.UTF-8)\n",
                name);
        _exit(3);
    }
}
