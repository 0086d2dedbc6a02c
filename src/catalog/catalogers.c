/*
 * catalogers.c - the table of catalogers.  Adding an ecosystem is one line
 * here plus its own file.  Order is the order finish() runs: os-release first,
 * because OS package catalogers may look at the distro; OS package catalogers
 * before language ones, because they declare which files they own.
 */
#include "catalog.h"

extern const cg_cataloger cg_cataloger_os_release;
extern const cg_cataloger cg_cataloger_dpkg;
extern const cg_cataloger cg_cataloger_apk;
extern const cg_cataloger cg_cataloger_rpm;
extern const cg_cataloger cg_cataloger_npm;
extern const cg_cataloger cg_cataloger_python;
extern const cg_cataloger cg_cataloger_java;
extern const cg_cataloger cg_cataloger_golang;
extern const cg_cataloger cg_cataloger_rust;
extern const cg_cataloger cg_cataloger_ruby;
extern const cg_cataloger cg_cataloger_php;
extern const cg_cataloger cg_cataloger_dotnet;

const cg_cataloger *const cg_catalogers[] = {
    &cg_cataloger_os_release,
    &cg_cataloger_dpkg,
    &cg_cataloger_apk,
    &cg_cataloger_rpm,
    &cg_cataloger_npm,
    &cg_cataloger_python,
    &cg_cataloger_java,
    &cg_cataloger_golang,
    &cg_cataloger_rust,
    &cg_cataloger_ruby,
    &cg_cataloger_php,
    &cg_cataloger_dotnet,
};
const size_t cg_n_catalogers = sizeof cg_catalogers / sizeof cg_catalogers[0];
