/* Status codes shared by the framing and message layers, so a caller can
 * tell a peer that closed, stalled, or misbehaved apart with one switch. */
#ifndef ROAM_PROTO_STATUS_H
#define ROAM_PROTO_STATUS_H

typedef enum {
    ROAM_OK = 0,
    ROAM_CLOSED = 1,         /* peer closed cleanly before a new frame */
    ROAM_EIO = -1,           /* transport error, or closed mid-frame */
    ROAM_ETIMEDOUT = -2,     /* the deadline passed */
    ROAM_EFRAME = -3,        /* zero or oversize frame length */
    ROAM_EDECODE = -4,       /* payload is not a valid Envelope */
    ROAM_EVERSION = -5,      /* Envelope from another protocol version */
    ROAM_EINVALID = -6,      /* decodes, but breaks a protocol rule */
    ROAM_EUNEXPECTED = -7,   /* valid message, but not the one expected */
    ROAM_EPEER = -8,         /* the peer sent an Error message */
} roam_status;

/* "ok", "timed out", ...: for logs. */
const char *roam_status_name(roam_status st);

#endif
