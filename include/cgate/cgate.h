/*
 * cgate.h - the umbrella header: every public header of libcgate, so a
 * program needs one include and `pkg-config --cflags --libs cgate`:
 *
 *     #include <cgate/cgate.h>
 *
 * The individual headers stay usable on their own; tests/integration/
 * test_umbrella.sh checks this file names every one of them.
 */
#ifndef CGATE_CGATE_H
#define CGATE_CGATE_H

#include "cgate/arena.h"
#include "cgate/attach.h"
#include "cgate/buf.h"
#include "cgate/copy.h"
#include "cgate/cvss.h"
#include "cgate/decision.h"
#include "cgate/error.h"
#include "cgate/export.h"
#include "cgate/findings.h"
#include "cgate/image.h"
#include "cgate/lint.h"
#include "cgate/mediatype.h"
#include "cgate/package.h"
#include "cgate/pipeline.h"
#include "cgate/policy.h"
#include "cgate/policy_context.h"
#include "cgate/policy_rego.h"
#include "cgate/registry.h"
#include "cgate/rego.h"
#include "cgate/rpmdb.h"
#include "cgate/runtime.h"
#include "cgate/sbom.h"
#include "cgate/scan.h"
#include "cgate/secrets.h"
#include "cgate/serve.h"
#include "cgate/severity.h"
#include "cgate/sign.h"
#include "cgate/version.h"
#include "cgate/vulndb.h"

#endif
