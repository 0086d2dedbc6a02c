/*
 * maven.c - Maven version order, as org.apache.maven.artifact.versioning.
 * ComparableVersion (Maven 3.8; https://maven.apache.org/pom.html#version-order-specification)
 * defines it.
 *
 * The lower-cased version is split at '.', '-' and at every change between
 * digits and letters into numbers and qualifiers; a '-' or a digit/letter
 * change opens a nested list that holds the rest of the version.  Trailing
 * "null" items (0, "", "final", "ga", "release", empty lists) are dropped from
 * each list; a qualifier after '.' also opens a list, as after '-' (MNG-7644)
 * .  Qualifiers order alpha < beta < milestone < rc = cr < snapshot <
 * "" = final = ga = release < sp < any other (alphabetically); "a1", "b1",
 * "m1" mean alpha/beta/milestone 1.  A number beats a qualifier and a list.
 *
 * Java builds this as a tree and compares recursively.  Because every nested
 * list is the last element of its parent, the tree is a chain; here it is a
 * flat array of nodes with LIST markers, compared and normalised in loops.
 * Every non-empty string of printable ASCII is a Maven version.
 */
#include <string.h>

#include "version/version_int.h"

enum node_kind { N_INT, N_STR, N_LIST };

typedef struct node {
    enum node_kind kind;
    int removed;
    const char *s; /* digits (INT) or qualifier text (STR) */
    size_t n;
    int qual;      /* STR: index in QUALIFIERS, or -1 for an unknown word */
} node;

#define MAX_NODES (2 * CG_VER_MAX_LEN + 2)

typedef struct mvn {
    node nodes[MAX_NODES];
    size_t count;
    char lower[CG_VER_MAX_LEN]; /* the lower-cased input the nodes point into */
} mvn;

static const char *const QUALIFIERS[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
enum { Q_RELEASE = 5, Q_COUNT = 7 };

static void add(mvn *m, enum node_kind k, const char *s, size_t n)
{
    node *x = &m->nodes[m->count++];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->s = s;
    x->n = n;
}

/* The innermost list has items already (Java: !list.isEmpty()). */
static int list_has_items(const mvn *m)
{
    return m->count > 0 && m->nodes[m->count - 1].kind != N_LIST;
}

/* parseItem(): a number (leading zeros stripped) or a qualifier. */
static void add_item(mvn *m, int digits, const char *s, size_t n, int followed_by_digit)
{
    if (digits) {
        while (n > 0 && *s == '0')
            s++, n--;
        add(m, N_INT, s, n);
        return;
    }
    if (followed_by_digit && n == 1) {
        if (s[0] == 'a')
            s = "alpha", n = 5;
        else if (s[0] == 'b')
            s = "beta", n = 4;
        else if (s[0] == 'm')
            s = "milestone", n = 9;
    }
    if (vc_ieq(s, n, "ga") || vc_ieq(s, n, "final") || vc_ieq(s, n, "release"))
        s = "", n = 0;
    else if (vc_ieq(s, n, "cr"))
        s = "rc", n = 2;
    add(m, N_STR, s, n);
    node *x = &m->nodes[m->count - 1];
    x->qual = -1;
    for (int q = 0; q < Q_COUNT; q++)
        if (vc_ieq(s, n, QUALIFIERS[q]))
            x->qual = q;
}

static int node_is_null(const node *x)
{
    return (x->kind == N_INT && x->n == 0) || (x->kind == N_STR && x->n == 0);
}

/* ListItem.normalize() on every list, innermost first. */
static void normalize(mvn *m)
{
    size_t end = m->count;          /* one past the last node of the current list */
    int sub_empty = 1;              /* the list after `end` is empty (or absent) */
    for (size_t k = m->count + 1; k-- > 0;) {
        if (k > 0 && m->nodes[k - 1].kind != N_LIST)
            continue;
        /* nodes[k .. end) are this list's own items; a LIST marker at end,
         * if any, starts its sublist */
        if (end < m->count && sub_empty)
            m->nodes[end].removed = 1;
        size_t i = end;
        while (i > k && node_is_null(&m->nodes[i - 1]))
            m->nodes[--i].removed = 1;
        int empty = (i == k) && (end >= m->count || m->nodes[end].removed);
        sub_empty = empty;
        if (k == 0)
            break;
        end = k - 1;
    }
}

static int maven_parse(const char *v, size_t n, mvn *m)
{
    if (n == 0 || n > CG_VER_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0x21 || v[i] > 0x7e)
            return 0;
        m->lower[i] = vc_lower(v[i]);
    }
    const char *s = m->lower;
    m->count = 0;
    int is_digit = 0;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' || c == '-') {
            if (i == start)
                add(m, N_INT, "", 0); /* IntItem.ZERO */
            else
                add_item(m, is_digit, s + start, i - start, 0);
            start = i + 1;
            if (c == '-')
                add(m, N_LIST, NULL, 0);
        } else if (vc_is_digit(c)) {
            if (!is_digit && i > start) {
                if (list_has_items(m)) /* "1.0.X1" < "1.0-X2": .X is read as -X */
                    add(m, N_LIST, NULL, 0);
                add_item(m, 0, s + start, i - start, 1);
                start = i;
                add(m, N_LIST, NULL, 0);
            }
            is_digit = 1;
        } else {
            if (is_digit && i > start) {
                add_item(m, 1, s + start, i - start, 0);
                start = i;
                add(m, N_LIST, NULL, 0);
            }
            is_digit = 0;
        }
    }
    if (n > start) {
        if (!is_digit && list_has_items(m))
            add(m, N_LIST, NULL, 0);
        add_item(m, is_digit, s + start, n - start, 0);
    }
    normalize(m);
    return 1;
}

int cg_ver_maven_valid(const char *v, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x21 || v[i] > 0x7e)
            return 0;
    return 1;
}

/* Java's comparableQualifier() strings compared: known qualifiers by index,
 * unknown words ("7-word") after all of them, alphabetically. */
static int qual_cmp(const node *a, const node *b)
{
    if (a->qual >= 0 && b->qual >= 0)
        return (a->qual > b->qual) - (a->qual < b->qual);
    if (a->qual >= 0 || b->qual >= 0)
        return a->qual >= 0 ? -1 : 1;
    int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
    if (c)
        return c < 0 ? -1 : 1;
    return (a->n > b->n) - (a->n < b->n);
}

/* item.compareTo(null) */
static int item_vs_null(const node *x)
{
    if (x->kind == N_INT)
        return x->n ? 1 : 0;
    if (x->qual >= 0)
        return (x->qual > Q_RELEASE) - (x->qual < Q_RELEASE);
    return 1; /* "7-..." > "5" */
}

/* A whole (nested) list against null: the first item that is not null decides. */
static int rest_vs_null(const mvn *m, size_t i)
{
    for (; i < m->count; i++) {
        const node *x = &m->nodes[i];
        if (x->removed || x->kind == N_LIST)
            continue;
        int c = item_vs_null(x);
        if (c)
            return c;
    }
    return 0;
}

static size_t next_live(const mvn *m, size_t i)
{
    while (i < m->count && m->nodes[i].removed)
        i++;
    return i;
}

static int maven_order(const mvn *a, const mvn *b)
{
    size_t i = next_live(a, 0), j = next_live(b, 0);
    for (;;) {
        int ae = i >= a->count, be = j >= b->count;
        if (ae && be)
            return 0;
        if (be) /* everything a has left, at every depth, against null */
            return rest_vs_null(a, i);
        if (ae)
            return -rest_vs_null(b, j);
        const node *l = &a->nodes[i], *r = &b->nodes[j];
        int c;
        if (l->kind == N_LIST && r->kind == N_LIST)
            c = 0; /* both continue into their sublists */
        else if (l->kind == N_LIST)
            c = r->kind == N_INT ? -1 : 1;
        else if (r->kind == N_LIST)
            c = l->kind == N_INT ? 1 : -1;
        else if (l->kind == N_INT && r->kind == N_INT)
            c = cg_ver_digits_cmp(l->s, l->n, r->s, r->n);
        else if (l->kind != r->kind)
            c = l->kind == N_INT ? 1 : -1;
        else
            c = qual_cmp(l, r);
        if (c)
            return c;
        i = next_live(a, i + 1);
        j = next_live(b, j + 1);
    }
}

int cg_ver_maven_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    /* ~16 KiB each; bounded by CG_VER_MAX_LEN */
    mvn x, y;
    maven_parse(a, an, &x);
    maven_parse(b, bn, &y);
    return maven_order(&x, &y);
}
