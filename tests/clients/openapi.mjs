// Validates HTTP answers against a network's published OpenAPI 3.0 document
// with ajv, for the schema-conformance client tests (x_schema.test.mjs and
// the other networks' to come). One helper for every network:
//
//   const api = OpenApi.load('schemas/x/openapi.json', { patch });
//   api.assert('GET', '/2/users/me', { status, contentType, body });
//
// finds the operation whose path template matches, the response of that
// status ("201", then "2XX", then "default"), the media type of the answer's
// Content-Type, and validates the body against that schema with every
// "$ref" resolved into components.schemas. An answer whose status or content
// type the document does not list fails too: a problem body sent as
// application/json is as wrong as a missing field.
//
// OpenAPI 3.0 schemas are not quite JSON Schema; the conversion below:
// - turns `nullable: true` into a type that admits null;
// - turns a base schema with `discriminator.mapping` (the allOf inheritance
//   style: subtypes are `allOf: [base, {...}]`) into "base, and if the
//   property equals a mapping key then the mapped subtype", with the
//   subtypes' reference to the base cut so the check does not recurse; a
//   value outside the mapping fails (OpenAPI has no schema for it). With
//   oneOf/anyOf the discriminator is only a hint and is dropped;
// - drops annotations ajv does not know (example, externalDocs, xml, x-*);
// - accepts format names ajv-formats does not define (documents carry
//   typos such as "data-time") and lists them in `unknownFormats`.

import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** Keywords of OpenAPI's schema object that are no JSON Schema. */
const OPENAPI_ONLY = new Set(['example', 'externalDocs', 'xml', 'discriminator', 'nullable', 'deprecated']);
/** At most this many ajv errors in one message: enough to see the cause. */
const MAX_REPORTED_ERRORS = 12;
/** Where the converted components live for ajv's $ref resolution. */
const ROOT_ID = 'openapi:components';

const COMPONENT_REF = '#/components/schemas/';

function refName(ref) {
  return typeof ref === 'string' && ref.startsWith(COMPONENT_REF) ? ref.slice(COMPONENT_REF.length) : null;
}

/** The media type of a Content-Type header: "application/json; charset=utf-8" -> "application/json". */
export function mediaType(contentType) {
  return String(contentType || '').split(';')[0].trim().toLowerCase();
}

export class OpenApi {
  /**
   * `doc` is the parsed document. `options.patch(doc)` may correct it before
   * use (each correction should name the documentation that justifies it).
   */
  constructor(doc, { patch } = {}) {
    this.doc = structuredClone(doc);
    if (patch) patch(this.doc);
    this.unknownFormats = new Set();
    this.ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, validateFormats: true });
    addFormats(this.ajv);
    this.knownFormats = new Set(Object.keys(this.ajv.formats));
    const definitions = this.convertComponents();
    for (const f of this.unknownFormats) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: ROOT_ID, definitions });
    this.validators = new Map();
    this.templates = this.indexPaths();
  }

  static load(file, options) {
    return new OpenApi(JSON.parse(readFileSync(file, 'utf8')), options);
  }

  // --- schema conversion ------------------------------------------------------

  convertComponents() {
    const schemas = this.doc.components?.schemas ?? {};
    // Bases of discriminated hierarchies get a "__base" twin the subtypes use.
    this.discriminated = new Map();
    for (const [name, s] of Object.entries(schemas))
      if (s?.discriminator?.mapping && !s.oneOf && !s.anyOf) this.discriminated.set(name, s.discriminator);
    const defs = {};
    for (const [name, s] of Object.entries(schemas)) {
      if (this.discriminated.has(name)) {
        defs[`${name}__base`] = this.convert(s);
        defs[name] = this.dispatch(name, this.discriminated.get(name));
      } else {
        defs[name] = this.convert(s, this.baseRefsOf(name));
      }
    }
    return defs;
  }

  /** Bases whose reference must point at the "__base" twin inside schema `name`. */
  baseRefsOf(name) {
    const cut = new Set();
    for (const [base, d] of this.discriminated)
      if (Object.values(d.mapping).some((ref) => refName(ref) === name)) cut.add(base);
    return cut;
  }

  /** "The base, and the mapped subtype for the discriminator's value". */
  dispatch(name, { propertyName, mapping }) {
    const parts = [{ $ref: `${ROOT_ID}#/definitions/${name}__base` }];
    for (const [value, ref] of Object.entries(mapping)) {
      parts.push({
        if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
        then: { $ref: `${ROOT_ID}#/definitions/${refName(ref)}` },
      });
    }
    parts.push({ properties: { [propertyName]: { enum: Object.keys(mapping) } } });
    return { allOf: parts };
  }

  /** One OpenAPI schema object as JSON Schema; `cut` names bases to reference as "__base". */
  convert(s, cut = new Set()) {
    if (Array.isArray(s)) return s.map((x) => this.convert(x, cut));
    if (s === null || typeof s !== 'object') return s;
    if (s.$ref) {
      const name = refName(s.$ref);
      if (!name) throw new Error(`unsupported $ref ${s.$ref} (only ${COMPONENT_REF}...)`);
      return { $ref: `${ROOT_ID}#/definitions/${cut.has(name) ? `${name}__base` : name}` };
    }
    const out = {};
    for (const [k, v] of Object.entries(s)) {
      if (OPENAPI_ONLY.has(k) || k.startsWith('x-')) continue;
      if (k === 'properties' || k === 'patternProperties') {
        out[k] = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, this.convert(ps, cut)]));
      } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(k)) {
        out[k] = typeof v === 'boolean' ? v : this.convert(v, cut);
      } else if (k === 'format') {
        if (!this.knownFormats.has(v)) this.unknownFormats.add(v);
        out[k] = v;
      } else {
        out[k] = v;
      }
    }
    if (s.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      else if (!out.type) return { anyOf: [out, { type: 'null' }] };
      if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    return out;
  }

  // --- operations ---------------------------------------------------------------

  /** Path templates with a matcher each, most specific (fewest parameters) first. */
  indexPaths() {
    const list = Object.keys(this.doc.paths ?? {}).map((template) => {
      const segments = template.split('/');
      const params = segments.filter((x) => x.startsWith('{')).length;
      const re = new RegExp(`^${segments.map((x) => (x.startsWith('{') ? '[^/]+' : x.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
      return { template, re, params };
    });
    return list.sort((a, b) => a.params - b.params);
  }

  /** The template a concrete path belongs to: "/2/users/42/mentions" -> "/2/users/{id}/mentions". */
  templateOf(method, path) {
    const clean = path.split('?')[0];
    if (this.doc.paths?.[clean]?.[method.toLowerCase()]) return clean;
    const hit = this.templates.find((t) => t.re.test(clean) && this.doc.paths[t.template][method.toLowerCase()]);
    return hit?.template ?? null;
  }

  /**
   * The response schema for (method, path, status, content type), or an
   * explanation of why the document has none.
   */
  responseSchema(method, path, status, contentType) {
    const template = this.templateOf(method, path);
    if (!template) return { error: `the document has no operation ${method.toUpperCase()} ${path}` };
    const op = this.doc.paths[template][method.toLowerCase()];
    const responses = op.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) return { error: `${method.toUpperCase()} ${template} documents no ${status} answer (it lists ${Object.keys(responses).join(', ')})` };
    const content = responses[key].content ?? {};
    const type = mediaType(contentType);
    if (!content[type])
      return { error: `${method.toUpperCase()} ${template} ${key} is documented as ${Object.keys(content).join(' or ') || 'no body'}, the answer is ${type || 'without Content-Type'}` };
    return { template, key, type, schema: content[type].schema };
  }

  validatorFor(method, path, status, contentType) {
    const found = this.responseSchema(method, path, status, contentType);
    if (found.error) return found;
    const id = `${method.toUpperCase()} ${found.template} ${found.key} ${found.type}`;
    if (!this.validators.has(id)) {
      const schema = this.convert(found.schema);
      for (const f of this.unknownFormats) if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
      this.validators.set(id, this.ajv.compile(schema));
    }
    return { ...found, id, validate: this.validators.get(id) };
  }

  /**
   * Checks one answer ({status, contentType, body}); returns {ok, id,
   * errors: [readable lines]}.
   */
  check(method, path, answer) {
    const v = this.validatorFor(method, path, answer.status, answer.contentType);
    if (v.error) return { ok: false, id: `${method.toUpperCase()} ${path} ${answer.status}`, errors: [v.error] };
    const ok = v.validate(answer.body);
    return { ok, id: v.id, errors: ok ? [] : readable(v.validate.errors, answer.body) };
  }

  /** Like check(), but throws an Error naming the operation and the failures. */
  assert(method, path, answer) {
    const r = this.check(method, path, answer);
    if (!r.ok) {
      const body = JSON.stringify(answer.body);
      throw new Error(`${r.id} does not match the OpenAPI document:\n  ${r.errors.join('\n  ')}\n  body: ${body.length > 600 ? `${body.slice(0, 600)}...` : body}`);
    }
    return r;
  }
}

/** ajv errors as "at /data/0/public_metrics: must have required property 'bookmark_count'". */
function readable(errors, body) {
  const lines = [];
  const seen = new Set();
  for (const e of errors ?? []) {
    // "if" failures only say that a "then" failed; the "then" error says why.
    if (e.keyword === 'if') continue;
    let line = `at ${e.instancePath || '(body)'}: ${e.message}`;
    if (e.keyword === 'additionalProperties') line += ` '${e.params.additionalProperty}'`;
    if (e.keyword === 'enum') {
      const allowed = e.params.allowedValues;
      line += ` ${JSON.stringify(allowed.slice(0, 4))}${allowed.length > 4 ? ` and ${allowed.length - 4} more` : ''}`;
    }
    if (e.keyword === 'const') line += ` ${JSON.stringify(e.params.allowedValue)}`;
    line += ` [${e.schemaPath.replace(`${ROOT_ID}#/definitions/`, '')}]`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  if (lines.length > MAX_REPORTED_ERRORS) return [...lines.slice(0, MAX_REPORTED_ERRORS), `... and ${lines.length - MAX_REPORTED_ERRORS} more`];
  return lines.length ? lines : [`invalid: ${JSON.stringify(body).slice(0, 200)}`];
}
