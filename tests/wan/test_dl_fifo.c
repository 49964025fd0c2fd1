/* tests/wan/test_dl_fifo.c: the delay line's FIFO of held packets (order,
 * capacity, wrap-around, release of everything due) and its bandwidth cap
 * (packets wait for the link, then leave at the set rate). */
#include "dl_fifo.h"
#include "dl_pace.h"
#include "tap.h"

#include <stdint.h>

static void fifo_order_and_capacity(void)
{
    struct dl_fifo f;
    uint32_t last = 0;
    tap_eq(dl_fifo_init(&f, 0), -1, "a FIFO of no packets is refused");
    tap_eq(dl_fifo_init(&f, 3), 0, "FIFO of 3");
    tap_ok(dl_fifo_peek(&f) == NULL, "empty: nothing to peek");
    tap_eq(dl_fifo_pop_due(&f, UINT64_MAX, &last), 0u, "empty: nothing due");
    tap_eq(dl_fifo_push(&f, 10, 100), 0, "push 10");
    tap_eq(dl_fifo_push(&f, 11, 200), 0, "push 11");
    tap_eq(dl_fifo_push(&f, 12, 300), 0, "push 12");
    tap_eq(dl_fifo_push(&f, 13, 400), -1, "full: push refused");
    tap_eq(f.len, 3u, "still 3 held");
    tap_eq(dl_fifo_pop_due(&f, 99, &last), 0u, "nothing due before the first");
    tap_eq(dl_fifo_pop_due(&f, 200, &last), 2u, "two due at 200 (due time inclusive)");
    tap_eq(last, 11u, "... the last of them is 11");
    tap_eq(dl_fifo_peek(&f)->id, 12u, "12 is next");
    /* the ring wraps: tail goes past the end of the array */
    tap_eq(dl_fifo_push(&f, 13, 400), 0, "push 13 (wraps)");
    tap_eq(dl_fifo_push(&f, 14, 500), 0, "push 14 (wraps)");
    tap_eq(dl_fifo_pop_due(&f, 450, &last), 2u, "12 and 13 due at 450");
    tap_eq(last, 13u, "... in arrival order");
    tap_eq(dl_fifo_pop_due(&f, UINT64_MAX, &last), 1u, "everything due at the end");
    tap_eq(last, 14u, "... 14 last");
    tap_ok(dl_fifo_peek(&f) == NULL, "empty again");
    dl_fifo_free(&f);
}

static void pace(void)
{
    struct dl_pace p;
    dl_pace_init(&p, 0);
    tap_eq(dl_pace_depart(&p, 1000, 1500), 1000u, "no cap: leaves on arrival");
    dl_pace_init(&p, 8); /* 8 Mbit/s: one byte per microsecond */
    tap_eq(dl_pace_depart(&p, 1000, 1500), 1000u + 1500000u, "1500 bytes at 8 Mbit/s take 1.5 ms");
    tap_eq(dl_pace_depart(&p, 1000, 1500), 1000u + 3000000u, "the next waits for the link");
    tap_eq(dl_pace_depart(&p, 10000000, 100), 10000000u + 100000u, "an idle link sends at once");
}

int main(void)
{
    fifo_order_and_capacity();
    pace();
    return tap_done();
}
