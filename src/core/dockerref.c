/*
 * dockerref.c - see dockerref.h.  One copy of the rules the registry client,
 * the Kubernetes image matcher and the credential lookup each used to spell
 * out for themselves.
 */
#include "core/dockerref.h"

#include <string.h>
#include <strings.h>

static const char *const hub_aliases[] = {"docker.io", "index.docker.io", "registry-1.docker.io"};

const char *cg_docker_hub_canonical(const char *h)
{
    for (size_t i = 0; i < sizeof hub_aliases / sizeof hub_aliases[0]; i++)
        if (!strcmp(h, hub_aliases[i]))
            return "docker.io";
    return h;
}

int cg_docker_is_hub(const char *h)
{
    for (size_t i = 0; i < sizeof hub_aliases / sizeof hub_aliases[0]; i++)
        if (!strcasecmp(h, hub_aliases[i]))
            return 1;
    return 0;
}

void cg_docker_ref_split(char *s, cg_docker_ref *out)
{
    *out = (cg_docker_ref){0};
    char *at = strchr(s, '@');
    if (at) {
        *at = 0;
        out->digest = at + 1;
    }
    const char *host = "docker.io";
    char *name = s;
    char *first = strchr(s, '/');
    if (first) {
        size_t hn = (size_t)(first - s);
        if (memchr(s, '.', hn) || memchr(s, ':', hn) || (hn == 9 && !memcmp(s, "localhost", 9)) || s[0] == '[') {
            *first = 0;
            host = s;
            name = first + 1;
        }
    }
    char *lastsl = strrchr(name, '/');
    char *colon = strrchr(lastsl ? lastsl : name, ':');
    if (colon) {
        *colon = 0;
        out->tag = colon + 1;
    }
    out->host = cg_docker_hub_canonical(host);
    out->path = name;
    out->library = !strcmp(out->host, "docker.io") && !strchr(name, '/');
}
