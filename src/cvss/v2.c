/*
 * v2.c - CVSS v2 scores, following FIRST's "A Complete Guide to the Common
 * Vulnerability Scoring System Version 2.0" (its equations and vector format).
 *
 * Metrics must appear in the guide's order (base, temporal, environmental);
 * a group may be partial, an absent metric counts as ND.  has_temporal /
 * has_environmental say whether any metric of the group appeared.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cvss/cvss_internal.h"

enum { AV, AC, AU, C, I, A, E, RL, RC, CDP, TD, CR, IR, AR, NMETRICS };

/* Value lists are in the order of the weight arrays below. */
static const cg_cvss_metric_def defs[NMETRICS] = {
    [AV] = {"AV", "L A N", CG_CVSS_G_BASE},
    [AC] = {"AC", "H M L", CG_CVSS_G_BASE},
    [AU] = {"Au", "M S N", CG_CVSS_G_BASE},
    [C] = {"C", "N P C", CG_CVSS_G_BASE},
    [I] = {"I", "N P C", CG_CVSS_G_BASE},
    [A] = {"A", "N P C", CG_CVSS_G_BASE},
    [E] = {"E", "U POC F H ND", CG_CVSS_G_TEMPORAL},
    [RL] = {"RL", "OF TF W U ND", CG_CVSS_G_TEMPORAL},
    [RC] = {"RC", "UC UR C ND", CG_CVSS_G_TEMPORAL},
    [CDP] = {"CDP", "N L LM MH H ND", CG_CVSS_G_ENV},
    [TD] = {"TD", "N L M H ND", CG_CVSS_G_ENV},
    [CR] = {"CR", "L M H ND", CG_CVSS_G_ENV},
    [IR] = {"IR", "L M H ND", CG_CVSS_G_ENV},
    [AR] = {"AR", "L M H ND", CG_CVSS_G_ENV},
};

static const double w_av[] = {0.395, 0.646, 1.0};
static const double w_ac[] = {0.35, 0.61, 0.71};
static const double w_au[] = {0.45, 0.56, 0.704};
static const double w_imp[] = {0.0, 0.275, 0.660};
static const double w_e[] = {0.85, 0.9, 0.95, 1.0, 1.0};
static const double w_rl[] = {0.87, 0.90, 0.95, 1.0, 1.0};
static const double w_rc[] = {0.90, 0.95, 1.0, 1.0};
static const double w_cdp[] = {0.0, 0.1, 0.3, 0.4, 0.5, 0.0};
static const double w_td[] = {0.0, 0.25, 0.75, 1.0, 1.0};
static const double w_req[] = {0.5, 1.0, 1.51, 1.0};

/* Weight of an optional metric: absent means ND, the last value of its list. */
static double opt(const double *w, size_t n, int v)
{
    return w[v < 0 ? n - 1 : (size_t)v];
}
#define OPT(w, m) opt(w, sizeof w / sizeof w[0], val[m])

/* BaseScore equation, shared by the environmental AdjustedBase. */
static double base_eq(double impact, const int *val)
{
    double expl = 20 * w_av[val[AV]] * w_ac[val[AC]] * w_au[val[AU]];
    double f = impact == 0.0 ? 0.0 : 1.176;
    return cg_cvss_round1(((0.6 * impact) + (0.4 * expl) - 1.5) * f);
}

/*
 * TemporalScore = round_to_1_decimal(BaseScore * E * RL * RC).  The three
 * multipliers are multiplied first: in binary the grouping changes the last
 * bit, which decides exact ties such as 10.0 * 0.9 * 0.95 = 8.55, and this
 * grouping is the one that agrees with every row of the oracle tables
 * (tests/data/cvss/disputed_rows.tsv lists the rows where calculators differ).
 */
static double temporal_eq(double base, const int *val)
{
    return cg_cvss_round1(base * (OPT(w_e, E) * OPT(w_rl, RL) * OPT(w_rc, RC)));
}

cg_status cg_cvss_v2(const char *s, size_t len, cg_cvss *out, cg_error *err)
{
    int val[NMETRICS];
    cg_status st = cg_cvss_split(s, len, "CVSS v2", defs, NMETRICS, true, val, err);
    if (st != CG_OK)
        return st;
    out->version = CG_CVSS_V2;
    out->attack_vector = "LAN"[val[AV]];

    double c = w_imp[val[C]], i = w_imp[val[I]], a = w_imp[val[A]];
    double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
    out->base = base_eq(impact, val);

    for (int m = E; m <= RC; m++)
        out->has_temporal |= val[m] >= 0;
    for (int m = CDP; m <= AR; m++)
        out->has_environmental |= val[m] >= 0;
    if (out->has_temporal)
        out->temporal = temporal_eq(out->base, val);
    if (out->has_environmental) {
        double adj = 10.41 * (1 - (1 - c * OPT(w_req, CR)) * (1 - i * OPT(w_req, IR)) *
                                      (1 - a * OPT(w_req, AR)));
        if (adj > 10)
            adj = 10;
        double adj_temporal = temporal_eq(base_eq(adj, val), val);
        double cdp = OPT(w_cdp, CDP);
        out->environmental = cg_cvss_round1((adj_temporal + (10 - adj_temporal) * cdp) * OPT(w_td, TD));
    }
    cg_cvss_finish(out);
    return CG_OK;
}
