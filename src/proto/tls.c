/* TLS 1.3 contexts and connections on OpenSSL 3 (see tls.h). */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "deadline.h"
#include "errbuf.h"
#include "peer_cert.h"
#include "transcript.h"

_Static_assert(ROAM_TLS_EXPORTER_LEN == ROAM_EXPORTER_LEN, "exporter length");

struct roam_tls_ctx {
    SSL_CTX *ssl;
};

struct roam_tls_conn {
    SSL *ssl;
    int fd;
    int broken;   /* a fatal TLS error happened: no close_notify then */
    int is_server;
};

/* Settings shared by both sides: TLS 1.3 only, no resumption (each
 * connection authenticates from scratch, so exporters are always fresh). */
static SSL_CTX *new_ctx(const SSL_METHOD *method, char *err, size_t errlen)
{
    ERR_clear_error();
    SSL_CTX *s = SSL_CTX_new(method);
    if (!s) {
        roam_errf_ssl(err, errlen, "cannot create a TLS context");
        return NULL;
    }
    if (!SSL_CTX_set_min_proto_version(s, TLS1_3_VERSION)) {
        roam_errf_ssl(err, errlen, "cannot restrict TLS to version 1.3");
        SSL_CTX_free(s);
        return NULL;
    }
    SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(s, SSL_OP_NO_TICKET);
    return s;
}

/* As ssh does: a private key that others could read (or that someone else
 * owns, who could widen its mode) is not used. */
static int key_mode_check(const char *key_file, char *err, size_t errlen)
{
    struct stat st;
    if (stat(key_file, &st) != 0)
        return roam_errf(err, errlen, "cannot load private key %s: %s", key_file,
                         strerror(errno));
    if (st.st_mode & 077)
        return roam_errf(err, errlen, "private key %s: mode %04o: must not be accessible by "
                         "group or others (chmod 600 it)", key_file,
                         (unsigned)(st.st_mode & 07777));
    if (st.st_uid != geteuid() && st.st_uid != 0)
        return roam_errf(err, errlen, "private key %s: owned by uid %u, neither this user nor "
                         "root", key_file, (unsigned)st.st_uid);
    return 0;
}

static int load_identity(SSL_CTX *s, const char *cert_file, const char *key_file,
                         char *err, size_t errlen)
{
    if (key_mode_check(key_file, err, errlen) < 0)
        return -1;
    if (SSL_CTX_use_certificate_chain_file(s, cert_file) != 1)
        return roam_errf_ssl(err, errlen, "cannot load certificate chain %s", cert_file);
    if (SSL_CTX_use_PrivateKey_file(s, key_file, SSL_FILETYPE_PEM) != 1)
        return roam_errf_ssl(err, errlen, "cannot load private key %s", key_file);
    if (SSL_CTX_check_private_key(s) != 1)
        return roam_errf_ssl(err, errlen, "private key %s does not match certificate %s",
                             key_file, cert_file);
    return 0;
}

static roam_tls_ctx *wrap_ctx(SSL_CTX *s, char *err, size_t errlen)
{
    roam_tls_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        SSL_CTX_free(s);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    c->ssl = s;
    return c;
}

roam_tls_ctx *roam_tls_server_ctx(const char *cert_file, const char *key_file,
                                  const char *client_ca_file, char *err, size_t errlen)
{
    if (!cert_file || !key_file) {
        roam_errf(err, errlen, "a TLS server needs a certificate and a key");
        return NULL;
    }
    SSL_CTX *s = new_ctx(TLS_server_method(), err, errlen);
    if (!s)
        return NULL;
    if (load_identity(s, cert_file, key_file, err, errlen) < 0)
        goto fail;
    /* Exporters and fresh handshakes make tickets pointless; send none. */
    /* A handshake held in roamd's lobby keeps no idle 16 KiB buffers. */
    SSL_CTX_set_mode(s, SSL_MODE_RELEASE_BUFFERS);
    if (!SSL_CTX_set_num_tickets(s, 0)) {
        roam_errf_ssl(err, errlen, "cannot disable session tickets");
        goto fail;
    }
    if (client_ca_file) {
        if (SSL_CTX_load_verify_locations(s, client_ca_file, NULL) != 1) {
            roam_errf_ssl(err, errlen, "cannot load client CA bundle %s", client_ca_file);
            goto fail;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(client_ca_file);
        if (!names) {
            roam_errf_ssl(err, errlen, "no CA names in client CA bundle %s", client_ca_file);
            goto fail;
        }
        SSL_CTX_set_client_CA_list(s, names);
        SSL_CTX_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    } else {
        SSL_CTX_set_verify(s, SSL_VERIFY_NONE, NULL);
    }
    return wrap_ctx(s, err, errlen);
fail:
    SSL_CTX_free(s);
    return NULL;
}

roam_tls_ctx *roam_tls_client_ctx(const char *ca_file, const char *cert_file,
                                  const char *key_file, char *err, size_t errlen)
{
    if (!ca_file) {
        roam_errf(err, errlen, "a TLS client needs a CA bundle to verify the server");
        return NULL;
    }
    if (!cert_file != !key_file) {
        roam_errf(err, errlen, "a client certificate needs both certificate and key");
        return NULL;
    }
    SSL_CTX *s = new_ctx(TLS_client_method(), err, errlen);
    if (!s)
        return NULL;
    if (SSL_CTX_load_verify_locations(s, ca_file, NULL) != 1) {
        roam_errf_ssl(err, errlen, "cannot load CA bundle %s", ca_file);
        goto fail;
    }
    if (cert_file && load_identity(s, cert_file, key_file, err, errlen) < 0)
        goto fail;
    /* With a certificate of its own this is a daemon's peer link: the peer
     * must be named exactly.  A user's client takes whole-label wildcards
     * ("*.provider.example"), never partial ones ("r*.example"). */
    X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(s),
                                    cert_file ? X509_CHECK_FLAG_NO_WILDCARDS
                                              : X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_CTX_set_verify(s, SSL_VERIFY_PEER, NULL);
    return wrap_ctx(s, err, errlen);
fail:
    SSL_CTX_free(s);
    return NULL;
}

void roam_tls_ctx_free(roam_tls_ctx *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl);
    free(ctx);
}

/* Wait as OpenSSL asked after a WANT_READ/WANT_WRITE.  Returns 1 to retry,
 * ROAM_IO_TIMEOUT, or ROAM_IO_ERROR (err filled). */
static int wait_for(roam_tls_conn *c, int sslerr, int64_t deadline, const char *what,
                    char *err, size_t errlen)
{
    int w = roam_wait_fd(c->fd, sslerr == SSL_ERROR_WANT_WRITE, deadline);
    if (w == 1)
        return 1;
    if (w == 0) {
        roam_errf(err, errlen, "TLS %s timed out", what);
        return ROAM_IO_TIMEOUT;
    }
    roam_errf(err, errlen, "TLS %s: poll: %s", what, strerror(errno));
    return ROAM_IO_ERROR;
}

/* Describe a failed SSL call: the verify result if that is why, else
 * OpenSSL's queue, else errno. */
static void describe(roam_tls_conn *c, int sslerr, const char *what, char *err, size_t errlen)
{
    /* OpenSSL forbids SSL_shutdown after SSL_ERROR_SSL / SSL_ERROR_SYSCALL. */
    c->broken = 1;
    long v = SSL_get_verify_result(c->ssl);
    if (v != X509_V_OK && ERR_peek_error() != 0) {
        roam_errf(err, errlen, "TLS %s: peer certificate rejected: %s", what,
                  X509_verify_cert_error_string(v));
        ERR_clear_error();
    } else if (ERR_peek_error() != 0) {
        roam_errf_ssl(err, errlen, "TLS %s failed", what);
    } else if (sslerr == SSL_ERROR_SYSCALL && errno != 0) {
        roam_errf(err, errlen, "TLS %s: %s", what, strerror(errno));
    } else {
        roam_errf(err, errlen, "TLS %s: connection closed by peer", what);
    }
}

/* A connection object on fd (made non-blocking), its handshake not yet
 * begun.  Takes fd: closed on failure. */
static roam_tls_conn *setup(roam_tls_ctx *ctx, int fd, int is_server, const char *peer_name,
                            char *err, size_t errlen)
{
    const char *what = is_server ? "accept" : "connect";
    roam_tls_conn *c = calloc(1, sizeof *c);
    if (!c) {
        roam_errf(err, errlen, "out of memory");
        close(fd);
        return NULL;
    }
    c->fd = fd;
    c->is_server = is_server;
    ERR_clear_error();
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        roam_errf(err, errlen, "TLS %s: cannot make socket non-blocking: %s", what,
                  strerror(errno));
        goto fail;
    }
    c->ssl = SSL_new(ctx->ssl);
    if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
        roam_errf_ssl(err, errlen, "TLS %s: cannot set up connection", what);
        goto fail;
    }
    if (!is_server) {
        if (!peer_name || !*peer_name) {
            roam_errf(err, errlen, "TLS connect: no expected server name");
            goto fail;
        }
        unsigned char ip[16];
        int is_ip = inet_pton(AF_INET, peer_name, ip) == 1 ||
                    inet_pton(AF_INET6, peer_name, ip) == 1;
        int ok = is_ip
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), peer_name)
            /* SNI only for names: RFC 6066 forbids IP literals there. */
            : SSL_set1_host(c->ssl, peer_name) && SSL_set_tlsext_host_name(c->ssl, peer_name);
        if (!ok) {
            roam_errf_ssl(err, errlen, "TLS connect: cannot expect server name %s", peer_name);
            goto fail;
        }
    }
    return c;
fail:
    roam_tls_abort(c);
    return NULL;
}

int roam_tls_handshake_step(roam_tls_conn *c, int *want_write, char *err, size_t errlen)
{
    const char *what = c->is_server ? "accept" : "connect";
    ERR_clear_error();
    errno = 0;
    int r = c->is_server ? SSL_accept(c->ssl) : SSL_connect(c->ssl);
    if (r == 1) {
        if (SSL_version(c->ssl) != TLS1_3_VERSION) {   /* belt and braces */
            c->broken = 1;
            roam_errf(err, errlen, "TLS %s: negotiated %s, need TLSv1.3", what,
                      SSL_get_version(c->ssl));
            return -1;
        }
        return 1;
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (want_write)
            *want_write = e == SSL_ERROR_WANT_WRITE;
        return 0;
    }
    describe(c, e, what, err, errlen);
    return -1;
}

static roam_tls_conn *handshake(roam_tls_ctx *ctx, int fd, int is_server, const char *peer_name,
                                int timeout_ms, char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    roam_tls_conn *c = setup(ctx, fd, is_server, peer_name, err, errlen);
    if (!c)
        return NULL;
    for (;;) {
        int want_write = 0;
        int r = roam_tls_handshake_step(c, &want_write, err, errlen);
        if (r == 1)
            return c;
        if (r < 0 || wait_for(c, want_write ? SSL_ERROR_WANT_WRITE : SSL_ERROR_WANT_READ,
                              deadline, is_server ? "accept" : "connect", err, errlen) != 1)
            break;
    }
    roam_tls_abort(c);
    return NULL;
}

roam_tls_conn *roam_tls_accept_begin(roam_tls_ctx *ctx, int fd, char *err, size_t errlen)
{
    return setup(ctx, fd, 1, NULL, err, errlen);
}

int roam_tls_fd(const roam_tls_conn *c)
{
    return c->fd;
}

void roam_tls_abort(roam_tls_conn *c)
{
    if (!c)
        return;
    ERR_clear_error();
    SSL_free(c->ssl);
    close(c->fd);
    free(c);
}

roam_tls_conn *roam_tls_accept(roam_tls_ctx *ctx, int fd, int timeout_ms,
                               char *err, size_t errlen)
{
    return handshake(ctx, fd, 1, NULL, timeout_ms, err, errlen);
}

roam_tls_conn *roam_tls_connect(roam_tls_ctx *ctx, int fd, const char *peer_name,
                                int timeout_ms, char *err, size_t errlen)
{
    return handshake(ctx, fd, 0, peer_name, timeout_ms, err, errlen);
}

static ssize_t tls_read(void *ctx, void *buf, size_t len, int64_t deadline,
                        char *err, size_t errlen)
{
    roam_tls_conn *c = ctx;
    for (;;) {
        size_t n = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_read_ex(c->ssl, buf, len, &n) == 1)
            return (ssize_t)n;
        int e = SSL_get_error(c->ssl, 0);
        if (e == SSL_ERROR_ZERO_RETURN)
            return ROAM_IO_EOF;   /* close_notify: an orderly end */
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_for(c, e, deadline, "read", err, errlen);
            if (w == 1)
                continue;
            return w;
        }
        describe(c, e, "read", err, errlen);
        return ROAM_IO_ERROR;
    }
}

static ssize_t tls_write(void *ctx, const void *buf, size_t len, int64_t deadline,
                         char *err, size_t errlen)
{
    roam_tls_conn *c = ctx;
    for (;;) {
        size_t n = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_write_ex(c->ssl, buf, len, &n) == 1)
            return (ssize_t)n;
        int e = SSL_get_error(c->ssl, 0);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_for(c, e, deadline, "write", err, errlen);
            if (w == 1)
                continue;   /* retried with the same buffer, as OpenSSL requires */
            return w;
        }
        describe(c, e, "write", err, errlen);
        return ROAM_IO_ERROR;
    }
}

roam_stream roam_tls_stream(roam_tls_conn *c)
{
    roam_stream s = { .ctx = c, .read = tls_read, .write = tls_write };
    return s;
}

int roam_tls_pending(roam_tls_conn *c)
{
    return SSL_has_pending(c->ssl);
}

int roam_tls_exporter(roam_tls_conn *c, uint8_t out[ROAM_TLS_EXPORTER_LEN],
                      char *err, size_t errlen)
{
    ERR_clear_error();
    if (SSL_export_keying_material(c->ssl, out, ROAM_TLS_EXPORTER_LEN,
                                   ROAM_TLS_EXPORTER_LABEL,
                                   sizeof ROAM_TLS_EXPORTER_LABEL - 1, NULL, 0, 0) != 1)
        return roam_errf_ssl(err, errlen, "TLS exporter failed");
    return 0;
}

int roam_tls_peer_subject(roam_tls_conn *c, char *buf, size_t len)
{
    X509 *cert = SSL_get0_peer_certificate(c->ssl);
    if (!cert || len == 0)
        return -1;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return -1;
    int rc = -1;
    if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        if (n >= 0) {
            size_t k = (size_t)n < len - 1 ? (size_t)n : len - 1;
            memcpy(buf, p, k);
            buf[k] = '\0';
            rc = 0;
        }
    }
    BIO_free(b);
    return rc;
}

int roam_tls_peer_fingerprint(roam_tls_conn *c, char hex[ROAM_TLS_FINGERPRINT_HEX])
{
    return roam_x509_fingerprint(SSL_get0_peer_certificate(c->ssl), hex);
}

int roam_tls_peer_spki(roam_tls_conn *c, char hex[ROAM_TLS_FINGERPRINT_HEX])
{
    return roam_x509_spki(SSL_get0_peer_certificate(c->ssl), hex);
}

int roam_tls_peer_chains_to(roam_tls_conn *c, const char *ca_file, char *err, size_t errlen)
{
    return roam_x509_chains_to(SSL_get0_peer_certificate(c->ssl),
                               SSL_get_peer_cert_chain(c->ssl), ca_file, err, errlen);
}

int roam_tls_peer_has_name(roam_tls_conn *c, const char *name)
{
    return roam_x509_has_name(SSL_get0_peer_certificate(c->ssl), name);
}

int roam_tls_peer_chain_der(roam_tls_conn *c, uint8_t *out, size_t cap, size_t *len,
                            char *err, size_t errlen)
{
    return roam_x509_chain_der(SSL_get0_peer_certificate(c->ssl),
                               SSL_get_peer_cert_chain(c->ssl), out, cap, len, err, errlen);
}

/* Closing a socket with unread bytes makes the kernel answer with a reset,
 * and a reset can make the peer lose what we sent last (typically our
 * error, when the peer had pipelined more requests behind the one we
 * refused).  So when bytes are waiting, stop sending and read on until the
 * peer closes too, bounded by the deadline and by a byte budget. */
#define ROAM_TLS_DRAIN_MAX (1u << 20)   /* more than any pipelined request batch */

static void drain_before_close(int fd, int64_t deadline, int always)
{
    int waiting = 0;
    if (!always && (ioctl(fd, FIONREAD, &waiting) != 0 || waiting <= 0))
        return;
    (void)shutdown(fd, SHUT_WR);
    char buf[4096];
    size_t total = 0;
    while (total < ROAM_TLS_DRAIN_MAX && roam_wait_fd(fd, 0, deadline) == 1) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        total += (size_t)r;
    }
}

static int tls_close(roam_tls_conn *c, int timeout_ms, int linger)
{
    if (!c)
        return 0;
    int64_t deadline = roam_deadline(timeout_ms);
    int rc = -1;
    while (!c->broken) {
        ERR_clear_error();
        int r = SSL_shutdown(c->ssl);
        if (r >= 0) {   /* 0: ours sent, theirs not awaited; 1: both */
            rc = 0;
            break;
        }
        int e = SSL_get_error(c->ssl, r);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
            wait_for(c, e, deadline, "shutdown", NULL, 0) != 1)
            break;
    }
    ERR_clear_error();
    if (rc == 0)
        drain_before_close(c->fd, deadline, linger);
    SSL_free(c->ssl);
    close(c->fd);
    free(c);
    return rc;
}

int roam_tls_close(roam_tls_conn *c, int timeout_ms)
{
    return tls_close(c, timeout_ms, 0);
}

int roam_tls_close_linger(roam_tls_conn *c, int timeout_ms)
{
    return tls_close(c, timeout_ms, 1);
}
