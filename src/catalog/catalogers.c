/*
 * catalogers.c - the table of catalogers.  Adding an ecosystem is one line
 * here plus its own file.  Order is the order finish() runs: os-release first,
 * because OS package catalogers may look at the distro.
 */
#include "catalog.h"

extern const cg_cataloger cg_cataloger_os_release;
extern const cg_cataloger cg_cataloger_dpkg;
extern const cg_cataloger cg_cataloger_apk;
extern const cg_cataloger cg_cataloger_golang;
extern const cg_cataloger cg_cataloger_rust;

const cg_cataloger *const cg_catalogers[] = {
    &cg_cataloger_os_release,
    &cg_cataloger_dpkg,
    &cg_cataloger_apk,
    &cg_cataloger_golang,
    &cg_cataloger_rust,
};
const size_t cg_n_catalogers = sizeof cg_catalogers / sizeof cg_catalogers[0];
