/*
 * export.h - the one macro that marks a libcgate function as part of the
 * public ABI.  The library is built with hidden visibility; only declarations
 * in include/cgate/ carry CG_EXPORT, so libcgate.so exports exactly the
 * documented cg_* API (a CTest checks it).
 */
#ifndef CGATE_EXPORT_H
#define CGATE_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CG_EXPORT __attribute__((visibility("default")))
#else
#define CG_EXPORT
#endif

#endif
