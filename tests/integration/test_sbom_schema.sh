#!/usr/bin/env bash
# test_sbom_schema.sh - every SBOM sample that unit/test_sbom_write wrote to
# $CG_TMP/sbom-samples/ must be valid against the official schema of its
# format: *.cdx.json against CycloneDX 1.6, *.spdx.json against SPDX 2.3
# (and the 2.3.1 errata schema, which requires documentNamespace).  CTest
# runs this after that unit test (fixture "sbom_samples").  Skips (77) when
# node or the validator's node_modules are missing; fails (1) on any
# invalid file or when there are no samples.
set -u
tools="${CG_TESTS:?CG_TESTS not set}/tools/schema-validate"
samples="${CG_TMP:?CG_TMP not set}/sbom-samples"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"; exit 77
fi
if [ ! -d "$tools/node_modules/ajv" ] || [ ! -d "$tools/node_modules/ajv-formats" ] ||
   [ ! -d "$tools/node_modules/ajv-draft-04" ]; then
  echo "SKIP: ajv missing; run: (cd $tools && npm install --no-audit --no-fund)"; exit 77
fi
shopt -s nullglob
cdx=("$samples"/*.cdx.json)
spdx=("$samples"/*.spdx.json)
if [ ${#cdx[@]} -eq 0 ] || [ ${#spdx[@]} -eq 0 ]; then
  echo "FAIL: no samples in $samples (unit/test_sbom_write writes them when CG_TMP is set)"; exit 1
fi
rc=0
sh "$tools/validate" cyclonedx-1.6 "${cdx[@]}" || rc=1
sh "$tools/validate" spdx-2.3 "${spdx[@]}" || rc=1
sh "$tools/validate" spdx-2.3.1 "${spdx[@]}" || rc=1
exit $rc
