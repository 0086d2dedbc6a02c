/*
 * inputs.c - the files behind one policy input named by the user (a
 * --context file or folder, a folder of Rego): read in one fixed order so
 * the decision's "inputs" hashes are the same bytes whether `cgate policy`
 * or `cgate run` computes them.  This file only walks and reads; what is
 * hashed, recorded or limited is the caller's.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgate/pipeline.h"
#include "core/readfile.h"

#define INPUT_MAX_DEPTH 16
#define INPUT_MAX_BYTES ((size_t)64 << 20)

static int name_cmp(const struct dirent **x, const struct dirent **y)
{
    return strcmp((*x)->d_name, (*y)->d_name);
}

static cg_status walk(const char *path, int depth, cg_input_file_fn fn, void *ud, cg_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return cg_error_set(err, CG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        if (depth > INPUT_MAX_DEPTH)
            return cg_error_set(err, CG_ERR_LIMIT, "%s: folders nested deeper than %d", path, INPUT_MAX_DEPTH);
        struct dirent **ents = NULL;
        int n = scandir(path, &ents, NULL, name_cmp);
        if (n < 0)
            return cg_error_set(err, CG_ERR_IO, "%s: cannot list: %s", path, strerror(errno));
        cg_status rc = CG_OK;
        cg_buf sub = CG_BUF_INIT;
        for (int i = 0; i < n; i++) {
            const char *nm = ents[i]->d_name;
            if (rc == CG_OK && nm[0] != '.') {
                cg_buf_reset(&sub);
                rc = cg_buf_printf(&sub, "%s/%s", path, nm) == CG_OK
                         ? walk(cg_buf_str(&sub), depth + 1, fn, ud, err)
                         : cg_error_set(err, CG_ERR_NOMEM, "%s: out of memory", path);
            }
            free(ents[i]);
        }
        free(ents);
        cg_buf_free(&sub);
        return rc;
    }
    if (!S_ISREG(st.st_mode))
        return depth ? CG_OK : cg_error_set(err, CG_ERR_INPUT, "%s: not a regular file or folder", path);
    cg_buf b = CG_BUF_INIT;
    cg_status rc = cg_read_file(path, INPUT_MAX_BYTES, NULL, &b, err);
    if (rc == CG_OK)
        rc = fn(ud, path, &b, err);
    cg_buf_free(&b);
    return rc;
}

cg_status cg_pipeline_walk_inputs(const char *path, cg_input_file_fn fn, void *ud, cg_error *err)
{
    return walk(path, 0, fn, ud, err);
}
