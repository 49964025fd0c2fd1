/* Bounded protobuf decoding for anything a peer sends before (or without)
 * authentication.  protobuf-c's own unpacking keeps every unknown field and
 * allocates as the input says: a 1 MiB frame of 2-byte unknown fields costs
 * tens of MB before any validation runs.  Here the wire format is first
 * scanned against the descriptor without allocating (more than a few
 * unknown fields, wrong wire types, deep nesting and lengths past the
 * end are refused), then unpacked with an allocator
 * that stops at a cap.  The few unknown fields let through are for the
 * caller's validator to name, after its version check. */
#ifndef ROAM_PROTO_PB_GUARD_H
#define ROAM_PROTO_PB_GUARD_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting deeper than this is hostile (roam.proto and ims.proto: <= 3). */
#define ROAM_PB_MAX_DEPTH 8

/* Unknown fields roam_pb_unpack lets through (in the whole message). */
#define ROAM_PB_UNKNOWN_MAX 16

/* 0 if buf holds fields desc knows, each with its declared wire type,
 * lengths within buf, and at most max_unknown
 * unknown fields; else -1 with err. */
int roam_pb_scan(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                 int max_unknown, char *err, size_t errlen);

/* roam_pb_scan, then unpack allocating at most cap bytes in all.  Free the
 * result with protobuf_c_message_free_unpacked(m, NULL).  NULL with err. */
ProtobufCMessage *roam_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *buf,
                                 size_t len, size_t cap, char *err, size_t errlen);

/* The cap callers use for a frame of len bytes: what a valid message of
 * that size needs with room to spare, far below what hostile input asks. */
#define ROAM_PB_CAP(len) (4 * (size_t)(len) + 16384)

#endif
