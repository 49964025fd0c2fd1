/* What a daemon's start-up will need of a path, tested without changing
 * anything: a file it reads, or a file it creates or appends to (a log, a
 * database), whose directory must exist and be writable.  For --check. */
#ifndef ROAM_COMMON_FSCHECK_H
#define ROAM_COMMON_FSCHECK_H

#include <stddef.h>

/* 0 if path opens for reading, else -1 with why ("cannot read PATH: ..."). */
int roam_fs_readable(const char *path, char *why, size_t whylen);

/* 0 if path can be created or, if it exists, written: its directory exists
 * and is writable, and an existing path is a writable regular file.  Else
 * -1 with why. */
int roam_fs_writable(const char *path, char *why, size_t whylen);

#endif
