/*
 * v3.c - CVSS v3.0 and v3.1 scores, following the FIRST specification
 * documents (v3.0 §8, v3.1 §7: equations, metric values, Roundup).
 *
 * The two versions differ in Roundup (v3.1 Appendix A defines it on integers
 * so that 4.000000000000001 does not become 4.1) and in the environmental
 * ModifiedImpact for a changed scope.  Metrics may come in any order; each at
 * most once; all base metrics are required.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cvss/cvss_internal.h"

enum { AV, AC, PR, UI, S, C, I, A, E, RL, RC, CR, IR, AR, MAV, MAC, MPR, MUI, MS, MC, MI, MA, NMETRICS };

/* Modified metrics list "X" first, then the base metric's values in the same
 * order, so index - 1 is the base metric's index. */
static const cg_cvss_metric_def defs[NMETRICS] = {
    [AV] = {"AV", "N A L P", CG_CVSS_G_BASE},
    [AC] = {"AC", "L H", CG_CVSS_G_BASE},
    [PR] = {"PR", "N L H", CG_CVSS_G_BASE},
    [UI] = {"UI", "N R", CG_CVSS_G_BASE},
    [S] = {"S", "U C", CG_CVSS_G_BASE},
    [C] = {"C", "H L N", CG_CVSS_G_BASE},
    [I] = {"I", "H L N", CG_CVSS_G_BASE},
    [A] = {"A", "H L N", CG_CVSS_G_BASE},
    [E] = {"E", "X H F P U", CG_CVSS_G_TEMPORAL},
    [RL] = {"RL", "X U W T O", CG_CVSS_G_TEMPORAL},
    [RC] = {"RC", "X C R U", CG_CVSS_G_TEMPORAL},
    [CR] = {"CR", "X H M L", CG_CVSS_G_ENV},
    [IR] = {"IR", "X H M L", CG_CVSS_G_ENV},
    [AR] = {"AR", "X H M L", CG_CVSS_G_ENV},
    [MAV] = {"MAV", "X N A L P", CG_CVSS_G_ENV},
    [MAC] = {"MAC", "X L H", CG_CVSS_G_ENV},
    [MPR] = {"MPR", "X N L H", CG_CVSS_G_ENV},
    [MUI] = {"MUI", "X N R", CG_CVSS_G_ENV},
    [MS] = {"MS", "X U C", CG_CVSS_G_ENV},
    [MC] = {"MC", "X H L N", CG_CVSS_G_ENV},
    [MI] = {"MI", "X H L N", CG_CVSS_G_ENV},
    [MA] = {"MA", "X H L N", CG_CVSS_G_ENV},
};

static const double w_av[] = {0.85, 0.62, 0.55, 0.2};
static const double w_ac[] = {0.77, 0.44};
static const double w_pr_u[] = {0.85, 0.62, 0.27};
static const double w_pr_c[] = {0.85, 0.68, 0.5};
static const double w_ui[] = {0.85, 0.62};
static const double w_cia[] = {0.56, 0.22, 0.0};
static const double w_e[] = {1.0, 1.0, 0.97, 0.94, 0.91};
static const double w_rl[] = {1.0, 1.0, 0.97, 0.96, 0.95};
static const double w_rc[] = {1.0, 1.0, 0.96, 0.92};
static const double w_req[] = {1.0, 1.5, 1.0, 0.5};

/* v3.1 Appendix A: Roundup on integers, immune to binary fractions. */
static double roundup31(double x)
{
    long long i = (long long)cg_cvss_round_int(x * 100000.0);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (double)(i / 10000 + 1) / 10.0;
}

/* v3.0 §8.1: the smallest one-decimal number >= x. */
static double roundup30(double x)
{
    return cg_cvss_ceil_int(x * 10.0) / 10.0;
}

static double min10(double x, double cap)
{
    return x < cap ? x : cap;
}

/* An optional metric's index, 0 ("X") when absent. */
static int opt(const int *val, int m)
{
    return val[m] < 0 ? 0 : val[m];
}

/* The effective value index of base metric b under modified metric m. */
static int eff(const int *val, int b, int m)
{
    int v = opt(val, m);
    return v == 0 ? val[b] : v - 1;
}

/* score x E x RL x RC, multiplied left to right as the spec writes it. */
static double temporal(double score, const int *val)
{
    return score * w_e[opt(val, E)] * w_rl[opt(val, RL)] * w_rc[opt(val, RC)];
}

cg_status cg_cvss_v3(const char *s, size_t len, cg_cvss_version v, cg_cvss *out, cg_error *err)
{
    int val[NMETRICS];
    const char *label = v == CG_CVSS_V30 ? "CVSS:3.0" : "CVSS:3.1";
    cg_status st = cg_cvss_split(s, len, label, defs, NMETRICS, false, val, err);
    if (st != CG_OK)
        return st;
    double (*roundup)(double) = v == CG_CVSS_V30 ? roundup30 : roundup31;
    out->version = v;
    out->attack_vector = "NALP"[val[AV]];

    /* Base (v3.1 §7.1, v3.0 §8.1). */
    bool changed = val[S] == 1;
    double iss = 1 - ((1 - w_cia[val[C]]) * (1 - w_cia[val[I]]) * (1 - w_cia[val[A]]));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * cg_cvss_powi(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * w_av[val[AV]] * w_ac[val[AC]] * (changed ? w_pr_c : w_pr_u)[val[PR]] *
                  w_ui[val[UI]];
    if (impact <= 0)
        out->base = 0;
    else if (changed)
        out->base = roundup(min10(1.08 * (impact + expl), 10));
    else
        out->base = roundup(min10(impact + expl, 10));

    /* Temporal (§7.2 / §8.2). */
    for (int m = E; m <= RC; m++)
        out->has_temporal |= val[m] >= 0;
    if (out->has_temporal)
        out->temporal = roundup(temporal(out->base, val));

    /* Environmental (§7.3 / §8.3). */
    for (int m = CR; m <= MA; m++)
        out->has_environmental |= val[m] >= 0;
    if (out->has_environmental) {
        bool mchanged = eff(val, S, MS) == 1;
        double miss = 1 - ((1 - w_req[opt(val, CR)] * w_cia[eff(val, C, MC)]) *
                           (1 - w_req[opt(val, IR)] * w_cia[eff(val, I, MI)]) *
                           (1 - w_req[opt(val, AR)] * w_cia[eff(val, A, MA)]));
        miss = min10(miss, 0.915);
        double mimpact;
        if (!mchanged)
            mimpact = 6.42 * miss;
        else if (v == CG_CVSS_V30)
            mimpact = 7.52 * (miss - 0.029) - 3.25 * cg_cvss_powi(miss - 0.02, 15);
        else
            mimpact = 7.52 * (miss - 0.029) - 3.25 * cg_cvss_powi(miss * 0.9731 - 0.02, 13);
        double mexpl = 8.22 * w_av[eff(val, AV, MAV)] * w_ac[eff(val, AC, MAC)] *
                       (mchanged ? w_pr_c : w_pr_u)[eff(val, PR, MPR)] * w_ui[eff(val, UI, MUI)];
        if (mimpact <= 0)
            out->environmental = 0;
        else if (mchanged)
            out->environmental = roundup(temporal(roundup(min10(1.08 * (mimpact + mexpl), 10)), val));
        else
            out->environmental = roundup(temporal(roundup(min10(mimpact + mexpl, 10)), val));
    }
    cg_cvss_finish(out);
    return CG_OK;
}
