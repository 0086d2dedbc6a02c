/*
 * builtins.h - the builtin tables of bi_*.c, each
 * ending with a NULL name; rg_builtin_find() searches them in order.
 */
#ifndef CG_REGO_BUILTINS_H
#define CG_REGO_BUILTINS_H

#include "rego/rego_int.h"

/* tables list only the fields that are set; relation defaults to 0 */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

extern const builtin rg_bi_core[];
extern const builtin rg_bi_str[];
extern const builtin rg_bi_enc[];
extern const builtin rg_bi_time[];
extern const builtin rg_bi_json[];
extern const builtin rg_bi_net[];
extern const builtin rg_bi_extra[];
extern const builtin rg_bi_v0[]; /* deprecated, v0 only */

#endif
