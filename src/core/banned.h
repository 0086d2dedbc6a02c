/*
 * banned.h - functions libcgate and the CLI must not call, in git's manner.
 * Force-included (-include) into every library and CLI translation unit, after
 * the system headers that declare them, so a call fails to compile with a name
 * that says why.  Use snprintf / cg_buf / memcpy with a checked length, and
 * strtol/strtoul with an end pointer and range checks instead.
 */
#ifndef CGATE_BANNED_H
#define CGATE_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CG_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) CG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CG_BANNED(strcat)
#undef sprintf
#define sprintf(...) CG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CG_BANNED(vsprintf)
#undef gets
#define gets(x) CG_BANNED(gets)
#undef atoi
#define atoi(x) CG_BANNED(atoi)
#undef atol
#define atol(x) CG_BANNED(atol)
#undef strtok
#define strtok(x, y) CG_BANNED(strtok)

#endif
