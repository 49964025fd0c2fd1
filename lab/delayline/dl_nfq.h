/* lab/delayline/dl_nfq.h: the delay line's side of nfnetlink_queue — bind
 * queues in copy-meta mode (the verdict needs no payload), read queued
 * packets in batches, and give verdicts one by one or for a whole prefix of
 * a queue at once. */
#ifndef ROAM_LAB_DL_NFQ_H
#define ROAM_LAB_DL_NFQ_H

#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

struct dl_nfq {
    struct mnl_socket *nl;
    unsigned int portid;
    uint32_t seq;
    char *buf;
    size_t buflen;
    uint64_t enobufs;        /* receive overruns: the kernel dropped packets */
    uint64_t verdict_errors; /* errors the kernel reported for our verdicts */
};

/* A queued packet: queue number, packet id, length of the whole packet. */
typedef void dl_nfq_packet_fn(void *ctx, uint16_t queue, uint32_t id, uint32_t len);

/* rcvbuf: receive buffer in bytes (forced past rmem_max when root).
 * Returns 0, or -1 with errno and a message in err. */
int dl_nfq_open(struct dl_nfq *q, int rcvbuf, char *err, size_t errlen);
void dl_nfq_close(struct dl_nfq *q);
int dl_nfq_fd(const struct dl_nfq *q);

/* Binds queue num (IPv4 and IPv6 alike), GSO packets whole, at most maxlen
 * packets held by the kernel; copy-meta mode unless need_len (packet
 * lengths for a bandwidth cap).  Packets that arrive while it waits for the
 * kernel's answers go to fn.  0, or -1 and a message. */
int dl_nfq_bind(struct dl_nfq *q, uint16_t num, uint32_t maxlen, int need_len,
                dl_nfq_packet_fn *fn, void *ctx, char *err, size_t errlen);

/* Reads up to max messages without blocking and hands packets to fn.
 * Returns the number of messages read (0: nothing waiting), or -1 with
 * errno on a real socket error.  Overruns (ENOBUFS) are counted, not
 * returned. */
int dl_nfq_read(struct dl_nfq *q, int max, dl_nfq_packet_fn *fn, void *ctx);

/* Accept (accept != 0) or drop one packet. */
int dl_nfq_verdict(struct dl_nfq *q, uint16_t num, uint32_t id, int accept);
/* Accept every packet of queue num with an id up to and including id. */
int dl_nfq_accept_upto(struct dl_nfq *q, uint16_t num, uint32_t id);

/* Before leaving: queue num holds no new packets, they pass undelayed (the
 * packets it holds stay until their verdict).  Packets that arrive while it
 * waits for the kernel's answer go to fn.  0, or -1 with errno. */
int dl_nfq_fail_open(struct dl_nfq *q, uint16_t num, dl_nfq_packet_fn *fn, void *ctx);

#endif
