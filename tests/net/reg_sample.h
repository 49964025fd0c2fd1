/* IMS registration datagrams for the handover tests, written field by
 * field in ims.proto's wire format (tests/mobility checks that the IMS's
 * own decoder reads them as the registration they describe), and variants
 * a hostile guest might send instead. */
#ifndef ROAM_TESTS_REG_SAMPLE_H
#define ROAM_TESTS_REG_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define REG_SAMPLE_MAX_BINDINGS 12   /* more than a registration may hold */

struct reg_spec {
    uint32_t version;                 /* 0: field left out */
    uint64_t id;
    uint8_t hoa[16];
    int no_hoa;
    uint64_t seq;                     /* 0: field left out */
    size_t n;
    uint8_t moa[REG_SAMPLE_MAX_BINDINGS][16];
    int state[REG_SAMPLE_MAX_BINDINGS];   /* 1 standby, 2 active; 0: field left out */
    size_t sig_len;                   /* 0: field left out */
    size_t pad;                       /* an unknown field (number 9) of this many bytes */
};

/* A registration of home address 2001:db8:e::10, seq 7, whose active
 * binding is active and one standby binding 2001:db8:a::5. */
void reg_spec_sample(struct reg_spec *s, const uint8_t active[16]);

/* s in wire format into out (cap bytes).  Its length, 0 if it does not fit. */
size_t reg_encode(const struct reg_spec *s, uint8_t *out, size_t cap);

#endif
