#!/usr/bin/env node
// validate.js - copied unchanged in substance from the team's shared tool
// (/work/shared/tools/schema-validate/validate.js); run through ./validate,
// which points it at tests/data/schemas and ./node_modules.
// usage: node validate.js <schema.json> [extra-schema.json ...] -- <doc.json> [doc.json ...]
// Loads the first schema as the root (plus any referenced schemas listed after it) and validates each doc.
// Exit code: 0 if every doc is valid, 1 otherwise. Prints one line per doc: VALID|INVALID <path> [first errors].
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const sep = args.indexOf('--');
if (sep < 1) { console.error('usage: validate.js <schema> [refschemas...] -- <docs...>'); process.exit(2); }
const schemaFiles = args.slice(0, sep), docs = args.slice(sep + 1);
const load = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const root = load(schemaFiles[0]);
const draft = String(root.$schema || '');
let Ajv;
if (draft.includes('draft-04')) Ajv = require('ajv-draft-04');
else if (draft.includes('2020-12')) Ajv = require('ajv/dist/2020');
else if (draft.includes('2019-09')) Ajv = require('ajv/dist/2019');
else Ajv = require('ajv');
Ajv = Ajv.default || Ajv;
const addFormats = require('ajv-formats');
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
for (const f of ['iri-reference', 'iri', 'idn-email', 'idn-hostname']) if (!ajv.formats[f]) ajv.addFormat(f, true);
for (const f of schemaFiles.slice(1)) {
  const s = load(f);
  // register under its $id and under its bare file name (CycloneDX refs "spdx.schema.json" relatively)
  ajv.addSchema(s, s.$id || path.basename(f));
  if (s.$id && path.basename(f) !== s.$id) { try { ajv.addSchema(s, path.basename(f)); } catch (e) {} }
}
const validate = ajv.compile(root);
let bad = 0;
for (const d of docs) {
  let doc; try { doc = load(d); } catch (e) { console.log('INVALID', d, 'not JSON:', e.message); bad++; continue; }
  if (validate(doc)) console.log('VALID', d);
  else { bad++; console.log('INVALID', d, JSON.stringify((validate.errors || []).slice(0, 3).map(e => `${e.instancePath} ${e.message}`))); }
}
process.exit(bad ? 1 : 0);
