/* The IMS store's SQLite backend (see ims_sqlite.h): the default, one file
 * on one machine.  WAL journal with synchronous=FULL: once update returns
 * 0 the update is on disk, so the server acknowledges only after that, and
 * a crash can lose nothing it acknowledged. */
#include "ims_sqlite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errbuf.h"

typedef struct ims_sqlite {
    sqlite3 *db;
} ims_sqlite;

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS hosts ("
    "  hoa BLOB PRIMARY KEY CHECK(length(hoa) = 16),"
    "  pubkey BLOB NOT NULL CHECK(length(pubkey) = 32),"
    "  seq INTEGER NOT NULL DEFAULT 0,"
    "  updated_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS bindings ("
    "  hoa BLOB NOT NULL REFERENCES hosts(hoa) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  moa BLOB NOT NULL CHECK(length(moa) = 16),"
    "  state INTEGER NOT NULL CHECK(state IN (1, 2)),"
    "  PRIMARY KEY (hoa, pos));"
    /* For the check that a MoA is bound to one HoA only. */
    "CREATE INDEX IF NOT EXISTS bindings_moa ON bindings(moa);";

static int db_err(ims_sqlite *s, char *err, size_t errlen, const char *what)
{
    return roam_errf(err, errlen, "IMS database: %s: %s", what, sqlite3_errmsg(s->db));
}

static ims_sqlite *open_flags(const char *path, int flags, char *err, size_t errlen)
{
    ims_sqlite *s = calloc(1, sizeof *s);
    if (!s) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        roam_errf(err, errlen, "cannot open IMS database %s: %s", path,
                  s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    /* Another process (roam-ims enroll while the server runs) may hold the
     * write lock for a moment. */
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        roam_errf(err, errlen, "cannot set up IMS database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    return s;
fail:
    sqlite3_close(s->db);
    free(s);
    return NULL;
}

void *ims_sqlite_open(const char *path, int create, char *err, size_t errlen)
{
    if (create)
        return open_flags(path, SQLITE_OPEN_CREATE, err, errlen);
    /* SQLite's own word for a missing file is "unable to open database". */
    if (access(path, F_OK) != 0) {
        roam_errf(err, errlen, "IMS database %s: %s", path, strerror(errno));
        return NULL;
    }
    return open_flags(path, 0, err, errlen);
}

static void sq_close(void *be)
{
    ims_sqlite *s = be;
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

static int exec(ims_sqlite *s, const char *sql, char *err, size_t errlen)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                    : db_err(s, err, errlen, sql);
}

/* Prepare, bind the HoA as ?1, and hand the statement back (NULL on error). */
static sqlite3_stmt *prep_hoa(ims_sqlite *s, const char *sql, const uint8_t hoa[IMS_ADDR_LEN],
                              char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_blob(st, 1, hoa, IMS_ADDR_LEN, SQLITE_STATIC) != SQLITE_OK) {
        db_err(s, err, errlen, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static int sq_enroll(void *be, const uint8_t hoa[IMS_ADDR_LEN],
                     const uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    ims_sqlite *s = be;
    sqlite3_stmt *st = prep_hoa(s,
        "INSERT INTO hosts(hoa, pubkey) VALUES (?1, ?2) "
        "ON CONFLICT(hoa) DO UPDATE SET pubkey = excluded.pubkey", hoa, err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_bind_blob(st, 2, pub, IMS_PUBKEY_LEN, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE ? 0 : db_err(s, err, errlen, "enroll");
    sqlite3_finalize(st);
    return rc;
}

static int sq_revoke(void *be, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen)
{
    ims_sqlite *s = be;
    sqlite3_stmt *st = prep_hoa(s, "DELETE FROM hosts WHERE hoa = ?1", hoa, err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_DONE ? (sqlite3_changes(s->db) > 0)
                                             : db_err(s, err, errlen, "revoke");
    sqlite3_finalize(st);
    return rc;
}

static int load_bindings(ims_sqlite *s, ims_mapping *m, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep_hoa(s, "SELECT moa, state FROM bindings WHERE hoa = ?1 ORDER BY pos",
                                m->hoa, err, errlen);
    if (!st)
        return -1;
    int rc;
    m->n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->n == IMS_MAX_BINDINGS || sqlite3_column_bytes(st, 0) != IMS_ADDR_LEN)
            break;   /* the schema and update() prevent both */
        memcpy(m->b[m->n].moa, sqlite3_column_blob(st, 0), IMS_ADDR_LEN);
        m->b[m->n].state = sqlite3_column_int(st, 1);
        m->n++;
    }
    int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return ok ? 0 : db_err(s, err, errlen, "read bindings");
}

static int row_to_mapping(ims_sqlite *s, sqlite3_stmt *st, ims_mapping *m, uint8_t *pub,
                          char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (sqlite3_column_bytes(st, 0) != IMS_ADDR_LEN || sqlite3_column_bytes(st, 1) != IMS_PUBKEY_LEN)
        return roam_errf(err, errlen, "IMS database: malformed row");
    memcpy(m->hoa, sqlite3_column_blob(st, 0), IMS_ADDR_LEN);
    if (pub)
        memcpy(pub, sqlite3_column_blob(st, 1), IMS_PUBKEY_LEN);
    m->seq = (uint64_t)sqlite3_column_int64(st, 2);
    m->updated_ms = sqlite3_column_int64(st, 3);
    return load_bindings(s, m, err, errlen);
}

static int sq_get(void *be, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
                  uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    ims_sqlite *s = be;
    sqlite3_stmt *st = prep_hoa(s,
        "SELECT hoa, pubkey, seq, updated_ms FROM hosts WHERE hoa = ?1", hoa, err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    int out;
    if (rc == SQLITE_ROW)
        out = row_to_mapping(s, st, m, pub, err, errlen) < 0 ? -1 : 1;
    else if (rc == SQLITE_DONE)
        out = 0;
    else
        out = db_err(s, err, errlen, "look up");
    sqlite3_finalize(st);
    return out;
}

static int64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 2 (err says which) if one of m's MoAs is a binding of another HoA, 0
 * if none is, -1 on error.  Inside update()'s transaction, so no other
 * writer can bind the MoA between this check and the commit. */
static int moa_taken(ims_sqlite *s, const ims_mapping *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->n; i++) {
        sqlite3_stmt *st = prep_hoa(s,
            "SELECT 1 FROM bindings WHERE moa = ?2 AND hoa != ?1 LIMIT 1", m->hoa, err, errlen);
        if (!st)
            return -1;
        int rc = sqlite3_bind_blob(st, 2, m->b[i].moa, IMS_ADDR_LEN, SQLITE_STATIC) == SQLITE_OK
                     ? sqlite3_step(st) : SQLITE_ERROR;
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW) {
            char a[46];
            roam_errf(err, errlen, "mobile address %s is bound to another home address",
                      ims_addr_str(m->b[i].moa, a, sizeof a));
            return 2;
        }
        if (rc != SQLITE_DONE)
            return db_err(s, err, errlen, "look up mobile address");
    }
    return 0;
}

/* The body of update(), inside BEGIN IMMEDIATE. */
static int update_locked(ims_sqlite *s, ims_mapping *m, uint64_t *current, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep_hoa(s, "SELECT seq FROM hosts WHERE hoa = ?1", m->hoa, err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    uint64_t stored = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return roam_errf(err, errlen, "home address is not enrolled");
    if (rc != SQLITE_ROW)
        return db_err(s, err, errlen, "read sequence number");
    if (m->seq <= stored) {
        *current = stored;
        return 1;
    }
    if (m->seq > INT64_MAX)
        return roam_errf(err, errlen, "sequence number above 2^63-1");
    rc = moa_taken(s, m, err, errlen);
    if (rc != 0)
        return rc;
    m->updated_ms = unix_ms();
    st = prep_hoa(s, "UPDATE hosts SET seq = ?2, updated_ms = ?3 WHERE hoa = ?1",
                  m->hoa, err, errlen);
    if (!st)
        return -1;
    rc = sqlite3_bind_int64(st, 2, (int64_t)m->seq) == SQLITE_OK &&
         sqlite3_bind_int64(st, 3, m->updated_ms) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!rc)
        return db_err(s, err, errlen, "store sequence number");
    st = prep_hoa(s, "DELETE FROM bindings WHERE hoa = ?1", m->hoa, err, errlen);
    if (!st)
        return -1;
    rc = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!rc)
        return db_err(s, err, errlen, "clear bindings");
    for (size_t i = 0; i < m->n; i++) {
        st = prep_hoa(s, "INSERT INTO bindings(hoa, pos, moa, state) VALUES (?1, ?2, ?3, ?4)",
                      m->hoa, err, errlen);
        if (!st)
            return -1;
        rc = sqlite3_bind_int(st, 2, (int)i) == SQLITE_OK &&
             sqlite3_bind_blob(st, 3, m->b[i].moa, IMS_ADDR_LEN, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int(st, 4, m->b[i].state) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
        if (!rc)
            return db_err(s, err, errlen, "store binding");
    }
    return 0;
}

static int sq_update(void *be, ims_mapping *m, uint64_t *current, char *err, size_t errlen)
{
    ims_sqlite *s = be;
    if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    int rc = update_locked(s, m, current, err, errlen);
    if (rc == 0 && exec(s, "COMMIT", err, errlen) == 0)
        return 0;
    exec(s, "ROLLBACK", NULL, 0);
    return rc > 0 ? rc : -1;
}

static int sq_each(void *be, void (*fn)(const ims_mapping *m, void *arg), void *arg,
                   char *err, size_t errlen)
{
    ims_sqlite *s = be;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT hoa, pubkey, seq, updated_ms FROM hosts ORDER BY hoa",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, errlen, "list");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ims_mapping m;
        if (row_to_mapping(s, st, &m, NULL, err, errlen) < 0) {
            sqlite3_finalize(st);
            return -1;
        }
        fn(&m, arg);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_err(s, err, errlen, "list");
}

const ims_store_ops ims_sqlite_ops = {
    .close = sq_close,
    .enroll = sq_enroll,
    .revoke = sq_revoke,
    .get = sq_get,
    .update = sq_update,
    .each = sq_each,
};
