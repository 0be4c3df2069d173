/* datadir.h - finds koban's data files: in $KOBAN_DATA_DIR alone when it is
 * set; otherwise the source tree next to the binary (build/koban -> data/),
 * then the installed $(PREFIX)/share/koban. */
#ifndef KOBAN_DATADIR_H
#define KOBAN_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the path of data file `name` into buf; false if it exists nowhere. */
bool data_path(const char *name, char *buf, size_t bufsz);

#endif
