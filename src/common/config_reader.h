/* roam's one way to read an INI configuration file (roamd, roam-ims,
 * roam-mat): a table of the keys a program knows, each with its section,
 * type, range and where its value goes.  The reader refuses the whole file
 * with a message "FILE:LINE: ..." naming the key: unknown sections and
 * keys, a key set twice, values out of range, and required keys left out;
 * it gives the first problem to a start-up, every problem to a check.
 * Checks between keys stay with each program, which gets the line every
 * key was set on for its messages. */
#ifndef ROAM_COMMON_CONFIG_READER_H
#define ROAM_COMMON_CONFIG_READER_H

#include <stddef.h>

#include "diag.h"

enum roam_cfg_type {
    ROAM_CFG_STR,    /* char[cap] at off */
    ROAM_CFG_INT,    /* int at off, decimal in min..max */
    ROAM_CFG_BOOL,   /* int at off: "yes" 1, "no" 0 */
    ROAM_CFG_FUNC,   /* set() parses and stores it */
};

#define ROAM_CFG_REQUIRED 1u   /* the file must set it */
#define ROAM_CFG_NONEMPTY 2u   /* ROAM_CFG_STR: "" refused */

struct roam_cfg_key {
    const char *section;
    /* NULL: any key of the section, each handed to set() (a list of
     * entries named by their keys, which may repeat). */
    const char *name;
    enum roam_cfg_type type;
    size_t off, cap;
    long min, max;
    /* ROAM_CFG_FUNC: store value into obj; 0, or -1 with why (the reason,
     * without the key's name) when it is not acceptable. */
    int (*set)(void *obj, const char *name, const char *value, char *why, size_t whylen);
    unsigned flags;
};

/* Table entries for a field f of struct type T. */
#define ROAM_CFG_STR_KEY(T, sec, n, f, fl) \
    { sec, n, ROAM_CFG_STR, offsetof(T, f), sizeof(((T *)0)->f), 0, 0, NULL, fl }
#define ROAM_CFG_INT_KEY(T, sec, n, f, lo, hi) \
    { sec, n, ROAM_CFG_INT, offsetof(T, f), sizeof(int), lo, hi, NULL, 0 }
#define ROAM_CFG_BOOL_KEY(T, sec, n, f) \
    { sec, n, ROAM_CFG_BOOL, offsetof(T, f), sizeof(int), 0, 0, NULL, 0 }
#define ROAM_CFG_FUNC_KEY(sec, n, fn, fl) \
    { sec, n, ROAM_CFG_FUNC, 0, 0, 0, 0, fn, fl }

struct roam_cfg {
    const struct roam_cfg_key *keys;
    size_t n_keys;
    void *obj;     /* what off and set() refer to */
    int *seen;     /* n_keys entries, zeroed: the line each key was set on */
    /* Optional: the line being read, kept up to date while set() runs
     * (for entries of a name-NULL section, which seen[] cannot tell apart). */
    int *line_now;
};

/* Read path (or, for tests, text standing for a file called path) into
 * cfg->obj over whatever it holds.  0, or -1 with err like
 * "roamd.conf:7: key 'max_sessions': not an integer in 1..1024". */
int roam_cfg_read_file(const struct roam_cfg *cfg, const char *path, char *err, size_t errlen);
int roam_cfg_read_string(const struct roam_cfg *cfg, const char *text, const char *path,
                         char *err, size_t errlen);

/* The same, reporting every problem to d (0, or -1 if there was one). */
int roam_cfg_check_file(const struct roam_cfg *cfg, const char *path, roam_diag *d);
int roam_cfg_check_string(const struct roam_cfg *cfg, const char *text, const char *path,
                          roam_diag *d);

/* The line section/name was set on, 0 if it was not. */
int roam_cfg_line(const struct roam_cfg *cfg, const char *section, const char *name);

#endif
