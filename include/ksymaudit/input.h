/*
 * Opening user-named inputs safely (src/readers/input.c): any file named by
 * a user is checked to be a regular file before it is read, since a FIFO or
 * a device would block or never end. Text readers need only this; ELF
 * inputs go through elffile.h, which opens them with it.
 */
#pragma once

#include <sys/stat.h>

#include "ksymaudit/common.h"

/*
 * Opens path for reading if it is (or a symbolic link resolves to) a regular
 * file; never blocks on a FIFO or device. Returns the descriptor, or a
 * negative errno with a message in *why (owned by the caller): "is a
 * directory" (-EISDIR), "is a FIFO (named pipe), not a regular file"
 * (-EINVAL), "is a character device, …", strerror for the others. st, when
 * not NULL, receives the file's status.
 */
int ka_input_open(const char *path, struct stat *st, char **why) KA_WUR;
/*
 * Reads a whole regular text file (through ka_input_open) into *buf,
 * NUL-terminated, length in *len. Returns 0 or a negative errno with *why.
 */
int ka_input_read(const char *path, char **buf, size_t *len, char **why) KA_WUR;
/* "FIFO (named pipe)", "directory", "character device", … for st_mode. */
const char *ka_file_type_name(mode_t mode);
