/*
 * store.h - the inventory store of `cgate serve`: one SQL schema, two
 * backends (SQLite in WAL mode, PostgreSQL through libpq).  Queries are
 * written once with $1..$N parameters and text values; the SQLite backend
 * rewrites $N to ?N.  Every value crosses as text (NULL = SQL NULL), which
 * both engines convert by the column's type.  One sv_store is one connection:
 * use one per thread.
 */
#ifndef CG_SERVE_STORE_H
#define CG_SERVE_STORE_H

#include <stddef.h>

#include "cgate/arena.h"
#include "cgate/error.h"

typedef struct sv_store sv_store;

typedef struct sv_rows {
    size_t n, ncols;
    char **v; /* n * ncols cells, NULL = SQL NULL */
    cg_arena a;
} sv_rows;

cg_status sv_store_open(const char *spec, sv_store **out, cg_error *err);
void sv_store_close(sv_store *s);
int sv_store_is_pg(const sv_store *s);
/* "sqlite" or "postgres" (for logs and metrics). */
const char *sv_store_kind(const sv_store *s);

/* Run one statement.  rows may be NULL (results discarded); otherwise it is
 * filled and must be released with sv_rows_free (also on failure). */
cg_status sv_exec(sv_store *s, const char *sql, size_t np, const char *const *params, sv_rows *rows,
                  cg_error *err);
const char *sv_cell(const sv_rows *r, size_t row, size_t col);
void sv_rows_free(sv_rows *r);

/* 1 when the last statement that failed on this connection failed for want
 * of disk space (SQLite: SQLITE_FULL or a write error ENOSPC/EDQUOT;
 * PostgreSQL: SQLSTATE 53100); its error message then says "out of disk
 * space".  A later success clears it. */
int sv_store_full(const sv_store *s);

/* Transactions (BEGIN IMMEDIATE on SQLite so writers queue, not deadlock). */
cg_status sv_begin(sv_store *s, cg_error *err);
cg_status sv_commit(sv_store *s, cg_error *err);
void sv_rollback(sv_store *s);
/* End the transaction a request began: commit when st is CG_OK (a failed
 * commit is rolled back and returned), else roll back and return st. */
cg_status sv_end(sv_store *s, cg_status st, cg_error *err);

/* Apply the versioned migrations not yet applied (serialised between
 * processes: an advisory lock on PostgreSQL, the write lock on SQLite). */
cg_status sv_migrate(sv_store *s, cg_error *err);

#endif
