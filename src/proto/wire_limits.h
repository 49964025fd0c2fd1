/* Bounds on every variable-length protocol field.  Both sides enforce them
 * (roam_msg_validate), so no field can grow past what a frame allows and
 * logs never receive unbounded peer text. */
#ifndef ROAM_PROTO_WIRE_LIMITS_H
#define ROAM_PROTO_WIRE_LIMITS_H

#define ROAM_QUERY_ID_LEN 16        /* 128-bit query id */
#define ROAM_NONCE_LEN 32           /* server nonce */
#define ROAM_MAC_LEN 32             /* HMAC-SHA256 */
#define ROAM_NAME_MAX 255           /* vm, src, dst: DNS name / libvirt name */
#define ROAM_POLICY_MAX 65536       /* policy text */
#define ROAM_CIPHERTEXT_MAX 262144  /* CCA-KEM ciphertext */
#define ROAM_MESSAGE_MAX 1024       /* human-readable error text */
#define ROAM_RA_MAX 65535           /* an ICMPv6 RA fits one IPv6 packet */
#define ROAM_REGISTRATION_MAX 1024  /* a VM's signed IMS registration (one IMS datagram) */
#define ROAM_BANDWIDTH_MAX_MIBS 1048576 /* Migrate.bandwidth_mibs: 1 TiB/s */
#define ROAM_DISKS_MAX 8             /* PrepareDisks.disks, DisksReady.targets */
#define ROAM_DISK_DEV_MAX 31        /* DiskSpec.dev: "vda", "sdb", ... */
#define ROAM_DISK_FORMAT_MAX 15     /* DiskSpec.format */
#define ROAM_DISK_PATH_MAX 511      /* an image path (so that 8 disks fit a small frame) */
#define ROAM_DISK_DIGEST_LEN 32     /* DiskSpec.base_sha256: a SHA-256 */
#define ROAM_DISK_BASE_NAME_MAX 255 /* DiskTarget.base_name: a file name */
/* Challenge.sealed: an inner plaintext (seal.h) padded to a power of two,
 * at least ROAM_SEAL_BUCKET_MIN, plus the 16-byte AEAD tag.  The largest
 * bucket holds the largest ciphertext and policy text. */
#define ROAM_SEAL_BUCKET_MIN 8192
#define ROAM_SEAL_BUCKET_MAX 524288
#define ROAM_SEAL_TAG_LEN 16
#define ROAM_SEALED_MAX (ROAM_SEAL_BUCKET_MAX + ROAM_SEAL_TAG_LEN)
#define ROAM_SMALL_FRAME_MAX 8192   /* a frame of any message but Challenge and RaAnswer */

#endif
