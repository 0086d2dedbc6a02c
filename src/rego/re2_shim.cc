/*
 * re2_shim.cc - the one C++ file of the Rego engine: a C API over Debian's
 * libre2 so regex.* builtins get RE2 semantics (what OPA's Go regexp
 * implements).  Compiled patterns are owned by the caller (rg_re2_free).
 * No exceptions cross the boundary; RE2 reports errors through ok().
 */
#include <re2/re2.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

extern "C" {
#include "rego/rego_int.h"
}

struct rg_re2 {
    RE2 *re;
};

extern "C" rg_re2 *rg_re2_new(const char *pat, size_t len, char *err, size_t errlen)
{
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    RE2 *re = new (std::nothrow) RE2(re2::StringPiece(pat, len), o);
    if (!re) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return nullptr;
    }
    if (!re->ok()) {
        if (err && errlen)
            snprintf(err, errlen, "%s", re->error().c_str());
        delete re;
        return nullptr;
    }
    rg_re2 *r = new (std::nothrow) rg_re2;
    if (!r) {
        delete re;
        return nullptr;
    }
    r->re = re;
    return r;
}

extern "C" void rg_re2_free(rg_re2 *r)
{
    if (!r)
        return;
    delete r->re;
    delete r;
}

extern "C" int rg_re2_match(rg_re2 *r, const char *s, size_t len)
{
    return RE2::PartialMatch(re2::StringPiece(s, len), *r->re) ? 1 : 0;
}

extern "C" int rg_re2_ngroups(rg_re2 *r) { return r->re->NumberOfCapturingGroups(); }

extern "C" int rg_re2_find(rg_re2 *r, const char *s, size_t len, size_t pos, long *offs, int noffs)
{
    int ng = r->re->NumberOfCapturingGroups() + 1;
    if (ng * 2 > noffs)
        ng = noffs / 2;
    std::vector<re2::StringPiece> sub((size_t)ng);
    re2::StringPiece text(s, len);
    if (!r->re->Match(text, pos, len, RE2::UNANCHORED, sub.data(), ng))
        return 0;
    for (int i = 0; i < ng; i++) {
        if (sub[(size_t)i].data() == nullptr) {
            offs[2 * i] = offs[2 * i + 1] = -1;
        } else {
            offs[2 * i] = (long)(sub[(size_t)i].data() - s);
            offs[2 * i + 1] = offs[2 * i] + (long)sub[(size_t)i].size();
        }
    }
    return 1;
}
