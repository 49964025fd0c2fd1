/* The types of numeric attributes (undeclared 64-bit, declared width, date)
 * and the calendar arithmetic of dates.  A leaf: the lexer, the attribute
 * strings and the numeric expansion all need these, and none of them may
 * need the others for it. */
#ifndef ROAM_ABE_NUM_TYPE_H
#define ROAM_ABE_NUM_TYPE_H

#include <stdint.h>

typedef enum {
    NUM_FLEX = 0,   /* `x = 5`: 64 bits, tag 'f' */
    NUM_WIDTH = 1,  /* `x = 5#8`: declared width, tag 'w8' */
    NUM_DATE = 2    /* `x = 2026-11-25`: days since 1970-01-01, tag 'd' */
} num_kind;

typedef struct {
    num_kind kind;
    unsigned width;  /* bits: 64 for NUM_FLEX, 1..64 for NUM_WIDTH, 22 for NUM_DATE */
} num_type_t;

#define NUM_DATE_BITS 22   /* 9999-12-31 is day 2932896 < 2^22 */

/* The type for kind (width is used only for NUM_WIDTH, 1..64). */
num_type_t abe_num_type_make(num_kind kind, unsigned width);

/* Largest value of the type: 2^w - 1, or day number of 9999-12-31. */
uint64_t abe_num_max(num_type_t t);

/* Days since 1970-01-01 of a real calendar date in years 1970..9999.
 * Returns 0, or -1 if the date does not exist or is out of range. */
int abe_num_date_days(unsigned year, unsigned month, unsigned day, uint64_t *days);

#endif
