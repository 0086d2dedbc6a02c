/*
 * bi_net.c - net.cidr_* builtins beyond containment (bi_enc.c): expand,
 * merge and contains_matches, over IPv4 and IPv6 prefixes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rego/builtins.h"

const builtin rg_bi_net[] = {
    {NULL, 0, NULL, NULL, 0},
};
