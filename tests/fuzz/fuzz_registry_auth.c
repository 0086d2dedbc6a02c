/*
 * fuzz_registry_auth.c - what the registry client parses from a server or
 * from the user's files, on arbitrary bytes: WWW-Authenticate challenges
 * (RFC 7235), Docker/containers auth files, credential-helper output, and
 * image references.  The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgate/registry.h"
#include "registry/registry_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    cg_error err;
    switch (data[0] % 4) {
    case 0: {
        static cg_challenge ch[4];
        size_t got = 0;
        if (cg_auth_parse_challenges(s, n, ch, 4, &got, &err) == CG_OK)
            for (size_t i = 0; i < got; i++)
                (void)cg_challenge_param(&ch[i], "realm");
        break;
    }
    case 1: {
        static cg_creds c;
        char helper[128];
        int found = 0;
        (void)cg_docker_config_lookup(s, n, "127.0.0.1:5000", &c, &found, helper, &err);
        break;
    }
    case 2: {
        static cg_creds c;
        (void)cg_cred_helper_parse(s, n, &c, &err);
        break;
    }
    default: {
        char *z = malloc(n + 1);
        if (!z)
            return 0;
        memcpy(z, s, n);
        z[n] = '\0';
        cg_ref r;
        (void)cg_ref_parse(z, &r, &err);
        free(z);
        break;
    }
    }
    return 0;
}
