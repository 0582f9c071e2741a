/**
 * Contract checking against Atlassian's pinned OpenAPI specs (../shared/jira-openapi/).
 * `checkResponse(method, route, status, body)` validates a response body against the spec's schema
 * for that operation and status, and validates every ADF document inside it against the ADF schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { sharedDir, SPEC_FILES } from '../../tools/shared-path.js';

type SpecName = keyof typeof SPEC_FILES;
type Json = Record<string, unknown>;

interface SpecDoc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

const specs = new Map<SpecName, SpecDoc>();
function spec(name: SpecName): SpecDoc {
  let doc = specs.get(name);
  if (!doc) {
    doc = JSON.parse(readFileSync(path.join(sharedDir(), SPEC_FILES[name]), 'utf8')) as SpecDoc;
    specs.set(name, doc);
  }
  return doc;
}

/** Jira's timestamps carry offsets like -0700 (no colon), which RFC 3339 date-time would refuse. */
const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('date-time', JIRA_DATE_TIME);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uri', /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/);
  ajv.addFormat('url', /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/);
  ajv.addFormat('uuid', /^[0-9a-fA-F-]{36}$/);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const f of ['double', 'byte', 'binary']) ajv.addFormat(f, true);
  return ajv;
}

let ajv: Ajv | undefined;
function getAjv(): Ajv {
  if (!ajv) {
    ajv = makeAjv();
    for (const name of Object.keys(SPEC_FILES) as SpecName[]) {
      ajv.addSchema({ $id: `${name}.json`, components: spec(name).components }, `${name}.json`);
    }
  }
  return ajv;
}

/** Rewrites local refs (#/components/...) to point into the named spec document. */
function rebase(schema: unknown, name: SpecName): unknown {
  if (Array.isArray(schema)) return schema.map((s) => rebase(s, name));
  if (schema && typeof schema === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(schema as Json)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${name}.json${v}` : rebase(v, name);
    }
    return out;
  }
  return schema;
}

export interface OperationRef {
  spec: SpecName;
  operation: Json;
}

export function findOperation(method: string, route: string): OperationRef | undefined {
  for (const name of Object.keys(SPEC_FILES) as SpecName[]) {
    const op = spec(name).paths[route]?.[method.toLowerCase()];
    if (op) return { spec: name, operation: op };
  }
  return undefined;
}

const validators = new Map<string, ValidateFunction | null>();

function validatorFor(method: string, route: string, status: number): ValidateFunction | null {
  const key = `${method} ${route} ${status}`;
  if (validators.has(key)) return validators.get(key)!;
  const ref = findOperation(method, route);
  if (!ref) throw new Error(`operation ${method} ${route} is not in the pinned specs`);
  const responses = (ref.operation.responses ?? {}) as Record<string, Json>;
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!response) {
    throw new Error(
      `the spec documents no ${status} response for ${method} ${route} (documented: ${Object.keys(responses).join(', ')})`,
    );
  }
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  let schema = content?.['application/json']?.schema ?? content?.['*/*']?.schema;
  if ((!schema || Object.keys(schema).length === 0) && status >= 400) {
    // The spec narrative defines ErrorCollection as Jira's error body; many error responses omit
    // the schema. The API gateway answers with {code, message} instead.
    schema = {
      anyOf: [
        { $ref: 'platform.json#/components/schemas/ErrorCollection', required: ['errorMessages'] },
        {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'integer' }, message: { type: 'string' } },
        },
      ],
    };
    const fn = getAjv().compile(schema);
    validators.set(key, fn);
    return fn;
  }
  const fn = schema ? getAjv().compile(rebase(schema, ref.spec) as Json) : null;
  validators.set(key, fn);
  return fn;
}

// ajv-draft-04 is CommonJS and its typings do not survive NodeNext's default-import rules.
const AjvDraft04 = createRequire(import.meta.url)('ajv-draft-04') as new (options: {
  strict: boolean;
  allErrors: boolean;
}) => Ajv;

let adfValidator: ValidateFunction | undefined;
export function validateAdf(doc: unknown): string[] {
  if (!adfValidator) {
    const ajv04 = new AjvDraft04({ strict: false, allErrors: true });
    const schema = JSON.parse(readFileSync(path.join(sharedDir(), 'jira-openapi/adf-schema-v1-full.json'), 'utf8'));
    adfValidator = ajv04.compile(schema);
  }
  const validate = adfValidator;
  return validate(doc) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message}`);
}

/** Every ADF document (object with type 'doc' and version 1) found anywhere inside a value. */
export function findAdfDocs(
  value: unknown,
  at = '',
  out: Array<{ at: string; doc: unknown }> = [],
): Array<{ at: string; doc: unknown }> {
  if (Array.isArray(value)) value.forEach((v, i) => findAdfDocs(v, `${at}/${i}`, out));
  else if (value && typeof value === 'object') {
    const obj = value as Json;
    if (obj.type === 'doc' && obj.version === 1) out.push({ at, doc: value });
    else for (const [k, v] of Object.entries(obj)) findAdfDocs(v, `${at}/${k}`, out);
  }
  return out;
}

export interface ContractResult {
  ok: boolean;
  errors: string[];
}

/**
 * Validates a response body against the spec. A status the spec does not document fails; a
 * documented response without a JSON schema passes the schema step (the ADF step still runs).
 */
export function checkResponse(method: string, route: string, status: number, body: unknown): ContractResult {
  const errors: string[] = [];
  const validate = validatorFor(method.toUpperCase(), route, status);
  if (validate && !validate(body)) {
    for (const e of (validate.errors ?? []).slice(0, 15))
      errors.push(`${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  for (const { at, doc } of findAdfDocs(body)) {
    for (const e of validateAdf(doc)) errors.push(`ADF at ${at}: ${e}`);
  }
  return { ok: errors.length === 0, errors };
}

/** Reads a fetch Response and checks it; returns the parsed body for further assertions. */
export async function checkFetchResponse(
  method: string,
  route: string,
  res: Response,
): Promise<{ body: unknown } & ContractResult> {
  const text = await res.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  return { body, ...checkResponse(method, route, res.status, body) };
}
