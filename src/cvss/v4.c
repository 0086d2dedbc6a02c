/*
 * v4.c - CVSS v4.0 scores, following the FIRST CVSS v4.0 specification
 * (scoring: MacroVectors from the equivalence sets EQ1-EQ6, then the
 * interpolation towards the next lower MacroVectors) exactly as FIRST's reference
 * calculator (github.com/FIRSTdotorg/cvss-v4-calculator, cvss_score.js with
 * cvss_lookup.js, max_composed.js and max_severity.js) computes it, including
 * the order of its floating-point operations, so that every score matches it.
 *
 * Metrics must come in the order of the specification's vector string table; base metrics
 * are mandatory, the rest optional, "X" meaning Not Defined.  Supplemental
 * metrics are checked but do not change the score.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cvss/cvss_internal.h"

enum {
    AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,          /* base          */
    E,                                                   /* threat        */
    CR, IR, AR, MAV, MAC, MAT, MPR, MUI,                 /* environmental */
    MVC, MVI, MVA, MSC, MSI, MSA,
    SS, AU, R, V, RE, U,                                 /* supplemental  */
    NMETRICS
};

static const cg_cvss_metric_def defs[NMETRICS] = {
    [AV] = {"AV", "N A L P", CG_CVSS_G_BASE},      [AC] = {"AC", "L H", CG_CVSS_G_BASE},
    [AT] = {"AT", "N P", CG_CVSS_G_BASE},          [PR] = {"PR", "N L H", CG_CVSS_G_BASE},
    [UI] = {"UI", "N P A", CG_CVSS_G_BASE},        [VC] = {"VC", "H L N", CG_CVSS_G_BASE},
    [VI] = {"VI", "H L N", CG_CVSS_G_BASE},        [VA] = {"VA", "H L N", CG_CVSS_G_BASE},
    [SC] = {"SC", "H L N", CG_CVSS_G_BASE},        [SI] = {"SI", "H L N", CG_CVSS_G_BASE},
    [SA] = {"SA", "H L N", CG_CVSS_G_BASE},
    [E] = {"E", "X A P U", CG_CVSS_G_TEMPORAL},
    [CR] = {"CR", "X H M L", CG_CVSS_G_ENV},       [IR] = {"IR", "X H M L", CG_CVSS_G_ENV},
    [AR] = {"AR", "X H M L", CG_CVSS_G_ENV},       [MAV] = {"MAV", "X N A L P", CG_CVSS_G_ENV},
    [MAC] = {"MAC", "X L H", CG_CVSS_G_ENV},       [MAT] = {"MAT", "X N P", CG_CVSS_G_ENV},
    [MPR] = {"MPR", "X N L H", CG_CVSS_G_ENV},     [MUI] = {"MUI", "X N P A", CG_CVSS_G_ENV},
    [MVC] = {"MVC", "X H L N", CG_CVSS_G_ENV},     [MVI] = {"MVI", "X H L N", CG_CVSS_G_ENV},
    [MVA] = {"MVA", "X H L N", CG_CVSS_G_ENV},     [MSC] = {"MSC", "X H L N", CG_CVSS_G_ENV},
    [MSI] = {"MSI", "X S H L N", CG_CVSS_G_ENV},   [MSA] = {"MSA", "X S H L N", CG_CVSS_G_ENV},
    [SS] = {"S", "X N P", CG_CVSS_G_SUPPLEMENTAL},  [AU] = {"AU", "X N Y", CG_CVSS_G_SUPPLEMENTAL},
    [R] = {"R", "X A U I", CG_CVSS_G_SUPPLEMENTAL}, [V] = {"V", "X D C", CG_CVSS_G_SUPPLEMENTAL},
    [RE] = {"RE", "X L M H", CG_CVSS_G_SUPPLEMENTAL},
    [U] = {"U", "X Clear Green Amber Red", CG_CVSS_G_SUPPLEMENTAL},
};

/*
 * The 270 MacroVector scores of the CVSS v4.0 specification (its scoring
 * section: each MacroVector EQ1..EQ6 was scored by expert ranking), as published in
 * FIRST's reference calculator, cvss_lookup.js (FIRSTdotorg/cvss-v4-calculator;
 * the same table is in RedHatProductSecurity/cvss-v4-calculator).  Code: the six
 * EQ digits as a decimal number; score in tenths.  Sorted by code for bsearch.
 */
static const struct { int code; int tenths; } lookup_table[270] = {
    {0, 100},      {1, 99},       {10, 98},      {11, 95},      {20, 95},      {21, 92},
    {100, 100},    {101, 96},     {110, 93},     {111, 87},     {120, 91},     {121, 81},
    {200, 93},     {201, 90},     {210, 89},     {211, 80},     {220, 81},     {221, 68},
    {1000, 98},    {1001, 95},    {1010, 95},    {1011, 92},    {1020, 90},    {1021, 84},
    {1100, 93},    {1101, 92},    {1110, 89},    {1111, 81},    {1120, 81},    {1121, 65},
    {1200, 88},    {1201, 80},    {1210, 78},    {1211, 70},    {1220, 69},    {1221, 48},
    {2001, 92},    {2011, 82},    {2021, 72},    {2101, 79},    {2111, 69},    {2121, 50},
    {2201, 69},    {2211, 55},    {2221, 27},
    {10000, 99},   {10001, 97},   {10010, 95},   {10011, 92},   {10020, 92},   {10021, 85},
    {10100, 95},   {10101, 91},   {10110, 90},   {10111, 83},   {10120, 84},   {10121, 71},
    {10200, 92},   {10201, 81},   {10210, 82},   {10211, 71},   {10220, 72},   {10221, 53},
    {11000, 95},   {11001, 93},   {11010, 92},   {11011, 85},   {11020, 85},   {11021, 73},
    {11100, 92},   {11101, 82},   {11110, 80},   {11111, 72},   {11120, 70},   {11121, 59},
    {11200, 84},   {11201, 70},   {11210, 71},   {11211, 52},   {11220, 50},   {11221, 30},
    {12001, 86},   {12011, 75},   {12021, 52},   {12101, 71},   {12111, 52},   {12121, 29},
    {12201, 63},   {12211, 29},   {12221, 17},
    {100000, 98},  {100001, 95},  {100010, 94},  {100011, 87},  {100020, 91},  {100021, 81},
    {100100, 94},  {100101, 89},  {100110, 86},  {100111, 74},  {100120, 77},  {100121, 64},
    {100200, 87},  {100201, 75},  {100210, 74},  {100211, 63},  {100220, 63},  {100221, 49},
    {101000, 94},  {101001, 89},  {101010, 88},  {101011, 77},  {101020, 76},  {101021, 67},
    {101100, 86},  {101101, 76},  {101110, 74},  {101111, 58},  {101120, 59},  {101121, 50},
    {101200, 72},  {101201, 57},  {101210, 57},  {101211, 52},  {101220, 52},  {101221, 25},
    {102001, 83},  {102011, 70},  {102021, 54},  {102101, 65},  {102111, 58},  {102121, 26},
    {102201, 53},  {102211, 21},  {102221, 13},
    {110000, 95},  {110001, 90},  {110010, 88},  {110011, 76},  {110020, 76},  {110021, 70},
    {110100, 90},  {110101, 77},  {110110, 75},  {110111, 62},  {110120, 61},  {110121, 53},
    {110200, 77},  {110201, 66},  {110210, 68},  {110211, 59},  {110220, 52},  {110221, 30},
    {111000, 89},  {111001, 78},  {111010, 76},  {111011, 67},  {111020, 62},  {111021, 58},
    {111100, 74},  {111101, 59},  {111110, 57},  {111111, 57},  {111120, 47},  {111121, 23},
    {111200, 61},  {111201, 52},  {111210, 57},  {111211, 29},  {111220, 24},  {111221, 16},
    {112001, 71},  {112011, 59},  {112021, 30},  {112101, 58},  {112111, 26},  {112121, 15},
    {112201, 23},  {112211, 13},  {112221, 6},
    {200000, 93},  {200001, 87},  {200010, 86},  {200011, 72},  {200020, 75},  {200021, 58},
    {200100, 86},  {200101, 74},  {200110, 74},  {200111, 61},  {200120, 56},  {200121, 34},
    {200200, 70},  {200201, 54},  {200210, 52},  {200211, 40},  {200220, 40},  {200221, 22},
    {201000, 85},  {201001, 75},  {201010, 74},  {201011, 55},  {201020, 62},  {201021, 51},
    {201100, 72},  {201101, 57},  {201110, 55},  {201111, 41},  {201120, 46},  {201121, 19},
    {201200, 53},  {201201, 36},  {201210, 34},  {201211, 19},  {201220, 19},  {201221, 8},
    {202001, 64},  {202011, 51},  {202021, 20},  {202101, 47},  {202111, 21},  {202121, 11},
    {202201, 24},  {202211, 9},   {202221, 4},
    {210000, 88},  {210001, 75},  {210010, 73},  {210011, 53},  {210020, 60},  {210021, 50},
    {210100, 73},  {210101, 55},  {210110, 59},  {210111, 40},  {210120, 41},  {210121, 20},
    {210200, 54},  {210201, 43},  {210210, 45},  {210211, 22},  {210220, 20},  {210221, 11},
    {211000, 75},  {211001, 55},  {211010, 58},  {211011, 45},  {211020, 40},  {211021, 21},
    {211100, 61},  {211101, 51},  {211110, 48},  {211111, 18},  {211120, 20},  {211121, 9},
    {211200, 46},  {211201, 18},  {211210, 17},  {211211, 7},   {211220, 8},   {211221, 2},
    {212001, 53},  {212011, 24},  {212021, 14},  {212101, 24},  {212111, 12},  {212121, 5},
    {212201, 10},  {212211, 3},   {212221, 1},
};

/* Score of MacroVector eq[0..5]; false where none exists (JS: undefined -> NaN). */
static bool lookup(const int *eq, double *score)
{
    for (int i = 0; i < 6; i++)
        if (eq[i] < 0 || eq[i] > 2)
            return false;
    int code = ((((eq[0] * 10 + eq[1]) * 10 + eq[2]) * 10 + eq[3]) * 10 + eq[4]) * 10 + eq[5];
    size_t lo = 0, hi = sizeof lookup_table / sizeof lookup_table[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lookup_table[mid].code == code) {
            *score = lookup_table[mid].tenths / 10.0; /* the same double as JS's 9.9 */
            return true;
        }
        if (lookup_table[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Effective metric values (JS m()): modified over base, X resolved. */
typedef struct eff {
    char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
} eff;

/*
 * The highest-severity vectors of each EQ level (max_composed.js), in the
 * reference's order: the first one the scored vector does not exceed is used.
 */
static const char *const max_eq1[3][3] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}}; /* AV PR UI */
static const char *const max_eq2[2][2] = {{"LN"}, {"HN", "LP"}};                           /* AC AT */
static const char *const max_eq3eq6[3][2][5] = {                              /* VC VI VA CR IR AR */
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH"}},
};
static const char *const max_eq4[3] = {"HSS", "HHH", "LLL"}; /* SC SI SA */

/* Maximal severity depth of each EQ level (max_severity.js), in steps of 0.1. */
static const int maxsev_eq1[3] = {1, 4, 5};
static const int maxsev_eq2[2] = {1, 2};
static const int maxsev_eq3eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int maxsev_eq4[3] = {6, 5, 4};

/* Severity levels of metric values (cvss_score.js *_levels). */
static double lvl(const char *order, const double *levels, char v)
{
    const char *p = strchr(order, v);
    return p ? levels[p - order] : 0.0;
}
static const double L4[] = {0.0, 0.1, 0.2, 0.3};
static const double L3[] = {0.0, 0.1, 0.2};
static const double L2[] = {0.0, 0.1};
static const double LSC[] = {0.1, 0.2, 0.3};
#define LV_AV(v) lvl("NALP", L4, v)
#define LV_PR(v) lvl("NLH", L3, v)
#define LV_UI(v) lvl("NPA", L3, v)
#define LV_AC(v) lvl("LH", L2, v)
#define LV_AT(v) lvl("NP", L2, v)
#define LV_CIA(v) lvl("HLN", L3, v)
#define LV_SC(v) lvl("HLN", LSC, v)
#define LV_SIA(v) lvl("SHLN", L4, v)
#define LV_REQ(v) lvl("HML", L3, v)

static void macro_vector(const eff *m, int *eq)
{
    if (m->av == 'N' && m->pr == 'N' && m->ui == 'N')
        eq[0] = 0;
    else if ((m->av == 'N' || m->pr == 'N' || m->ui == 'N') && m->av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = m->ac == 'L' && m->at == 'N' ? 0 : 1;
    if (m->vc == 'H' && m->vi == 'H')
        eq[2] = 0;
    else if (m->vc == 'H' || m->vi == 'H' || m->va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    if (m->si == 'S' || m->sa == 'S')
        eq[3] = 0;
    else if (m->sc == 'H' || m->si == 'H' || m->sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    eq[4] = m->e == 'A' ? 0 : m->e == 'P' ? 1 : 2;
    eq[5] = (m->cr == 'H' && m->vc == 'H') || (m->ir == 'H' && m->vi == 'H') || (m->ar == 'H' && m->va == 'H')
                ? 0
                : 1;
}

/* Available distance to the next lower MacroVector, when there is one. */
static bool lower(const int *eq, int which, int delta3, int delta6, double value, double *dist)
{
    int n[6];
    memcpy(n, eq, sizeof n);
    if (which >= 0)
        n[which]++;
    n[2] += delta3;
    n[5] += delta6;
    double s;
    if (!lookup(n, &s))
        return false;
    *dist = value - s;
    return true;
}

typedef struct dists {
    double av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar;
} dists;

static void distances(const eff *m, const char *e1, const char *e2, const char *e36, const char *e4, dists *d)
{
    d->av = LV_AV(m->av) - LV_AV(e1[0]);
    d->pr = LV_PR(m->pr) - LV_PR(e1[1]);
    d->ui = LV_UI(m->ui) - LV_UI(e1[2]);
    d->ac = LV_AC(m->ac) - LV_AC(e2[0]);
    d->at = LV_AT(m->at) - LV_AT(e2[1]);
    d->vc = LV_CIA(m->vc) - LV_CIA(e36[0]);
    d->vi = LV_CIA(m->vi) - LV_CIA(e36[1]);
    d->va = LV_CIA(m->va) - LV_CIA(e36[2]);
    d->cr = LV_REQ(m->cr) - LV_REQ(e36[3]);
    d->ir = LV_REQ(m->ir) - LV_REQ(e36[4]);
    d->ar = LV_REQ(m->ar) - LV_REQ(e36[5]);
    d->sc = LV_SC(m->sc) - LV_SC(e4[0]);
    d->si = LV_SIA(m->si) - LV_SIA(e4[1]);
    d->sa = LV_SIA(m->sa) - LV_SIA(e4[2]);
}

static bool any_negative(const dists *d)
{
    return d->av < 0 || d->pr < 0 || d->ui < 0 || d->ac < 0 || d->at < 0 || d->vc < 0 || d->vi < 0 ||
           d->va < 0 || d->sc < 0 || d->si < 0 || d->sa < 0 || d->cr < 0 || d->ir < 0 || d->ar < 0;
}

/* cvss_score.js cvss_score(): MacroVector score minus the mean proportional distance. */
static double score(const eff *m)
{
    if (m->vc == 'N' && m->vi == 'N' && m->va == 'N' && m->sc == 'N' && m->si == 'N' && m->sa == 'N')
        return 0.0;
    int eq[6];
    macro_vector(m, eq);
    double value;
    if (!lookup(eq, &value))
        return 0.0; /* unreachable: every reachable MacroVector has a score */

    double avail[5];
    bool has[5];
    has[0] = lower(eq, 0, 0, 0, value, &avail[0]);
    has[1] = lower(eq, 1, 0, 0, value, &avail[1]);
    if (eq[2] == 0 && eq[5] == 0) {
        /* 00 goes down to 01 or 10: the higher-scoring one (right on ties). */
        int l[6], r[6];
        memcpy(l, eq, sizeof l);
        memcpy(r, eq, sizeof r);
        l[5]++;
        r[2]++;
        double sl = 0, sr = 0;
        bool hl = lookup(l, &sl), hr = lookup(r, &sr);
        bool left = hl && hr && sl > sr;
        has[2] = left ? true : hr;
        avail[2] = value - (left ? sl : sr);
    } else if (eq[2] == 1 && eq[5] == 0) {
        has[2] = lower(eq, -1, 0, 1, value, &avail[2]);
    } else if (eq[2] == 2 && eq[5] == 1) {
        has[2] = lower(eq, -1, 1, 1, value, &avail[2]); /* 21 -> 32: never exists */
    } else {
        has[2] = lower(eq, -1, 1, 0, value, &avail[2]); /* 01 -> 11, 11 -> 21 */
    }
    has[3] = lower(eq, 3, 0, 0, value, &avail[3]);
    has[4] = lower(eq, 4, 0, 0, value, &avail[4]);

    /* The first composed max vector the scored one does not exceed; if none
     * qualifies the reference keeps the distances of the last one tried. */
    dists d = {0};
    const char *const *e36 = max_eq3eq6[eq[2]][eq[5]];
    bool found = false;
    for (size_t i1 = 0; i1 < 3 && max_eq1[eq[0]][i1] && !found; i1++)
        for (size_t i2 = 0; i2 < 2 && max_eq2[eq[1]][i2] && !found; i2++)
            for (size_t i3 = 0; i3 < 5 && e36[i3] && !found; i3++) {
                distances(m, max_eq1[eq[0]][i1], max_eq2[eq[1]][i2], e36[i3], max_eq4[eq[3]], &d);
                found = !any_negative(&d);
            }

    double cur[4] = {
        d.av + d.pr + d.ui,
        d.ac + d.at,
        d.vc + d.vi + d.va + d.cr + d.ir + d.ar,
        d.sc + d.si + d.sa,
    };
    const double step = 0.1;
    double maxsev[4] = {
        maxsev_eq1[eq[0]] * step,
        maxsev_eq2[eq[1]] * step,
        maxsev_eq3eq6[eq[2]][eq[5]] * step,
        maxsev_eq4[eq[3]] * step,
    };
    double norm[5] = {0, 0, 0, 0, 0};
    int n_lower = 0;
    for (int i = 0; i < 4; i++) {
        if (!has[i])
            continue;
        n_lower++;
        norm[i] = avail[i] * (cur[i] / maxsev[i]);
    }
    if (has[4]) {
        n_lower++;
        norm[4] = avail[4] * 0.0; /* EQ5's proportion is always 0 */
    }
    double mean = n_lower == 0 ? 0.0 : (norm[0] + norm[1] + norm[2] + norm[3] + norm[4]) / n_lower;
    value -= mean;
    if (value < 0)
        value = 0.0;
    if (value > 10)
        value = 10.0;
    return cg_cvss_round1(value);
}

/* The value letter of metric i, or 'X' when absent. */
static char letter(const int *val, int i)
{
    if (val[i] < 0)
        return 'X';
    const char *p = defs[i].values;
    for (int k = 0; k < val[i]; k++)
        p = strchr(p, ' ') + 1;
    return *p;
}

/* Effective values with or without the threat and environmental groups. */
static void effective(const int *val, bool threat, bool env, eff *m)
{
    static const int base[] = {AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA};
    static const int mod[] = {MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA};
    char v[11];
    for (size_t i = 0; i < 11; i++) {
        char mv = env ? letter(val, mod[i]) : 'X';
        v[i] = mv != 'X' ? mv : letter(val, base[i]);
    }
    m->av = v[0], m->ac = v[1], m->at = v[2], m->pr = v[3], m->ui = v[4];
    m->vc = v[5], m->vi = v[6], m->va = v[7], m->sc = v[8], m->si = v[9], m->sa = v[10];
    char e = threat ? letter(val, E) : 'X';
    m->e = e == 'X' ? 'A' : e;
    char cr = env ? letter(val, CR) : 'X', ir = env ? letter(val, IR) : 'X', ar = env ? letter(val, AR) : 'X';
    m->cr = cr == 'X' ? 'H' : cr;
    m->ir = ir == 'X' ? 'H' : ir;
    m->ar = ar == 'X' ? 'H' : ar;
}

cg_status cg_cvss_v4(const char *s, size_t len, cg_cvss *out, cg_error *err)
{
    int val[NMETRICS];
    cg_status st = cg_cvss_split(s, len, "CVSS:4.0", defs, NMETRICS, true, val, err);
    if (st != CG_OK)
        return st;
    out->version = CG_CVSS_V40;
    out->attack_vector = "NALP"[val[AV]];
    /* Nomenclature (CVSS-B/BT/BE/BTE): a group counts when one of its metrics is not X. */
    out->has_temporal = val[E] > 0;
    for (int i = CR; i <= MSA; i++)
        out->has_environmental |= val[i] > 0;

    eff m;
    effective(val, false, false, &m);
    out->base = score(&m);
    if (out->has_temporal) {
        effective(val, true, false, &m);
        out->temporal = score(&m);
    }
    if (out->has_environmental) {
        effective(val, true, true, &m);
        out->environmental = score(&m);
    }
    const char *nom = out->has_temporal ? (out->has_environmental ? "CVSS-BTE" : "CVSS-BT")
                                        : (out->has_environmental ? "CVSS-BE" : "CVSS-B");
    memcpy(out->nomenclature, nom, strlen(nom) + 1);
    cg_cvss_finish(out);
    return CG_OK;
}
