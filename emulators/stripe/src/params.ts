import { invalidParam, invalidRequest, missingParam, unknownParam } from './errors';

/** Request parameters as `qs` parses Stripe's form encoding (`a[b][0]=c`), or a JSON body. */
export type Params = Record<string, unknown>;

/** Refuses top-level parameters the endpoint does not know (Stripe: parameter_unknown). */
export function allowOnly(params: Params, allowed: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (name === 'expand' || allowed.includes(name)) continue;
    throw unknownParam(name);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a bracket path such as `card[number]` or `transfer_data[destination]`. */
export function at(params: Params, path: string): unknown {
  const parts = path.replace(/\]/g, '').split('[');
  let value: unknown = params;
  for (const part of parts) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isRecord(value)) value = value[part];
    else return undefined;
  }
  return value;
}

export function has(params: Params, path: string): boolean {
  const value = at(params, path);
  return value !== undefined;
}

/** A string parameter; '' counts as absent (the SDK sends null as ''). */
export function str(params: Params, path: string, options: { required?: boolean; oneOf?: readonly string[] } = {}): string | undefined {
  const value = at(params, path);
  if (value === undefined || value === '' || value === null) {
    if (options.required) throw missingParam(path);
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, { code: 'parameter_invalid_string', param: path });
  }
  const text = String(value);
  if (options.oneOf && !options.oneOf.includes(text)) {
    throw invalidRequest(`Invalid ${path}: must be one of ${options.oneOf.join(', ')}`, { code: 'parameter_invalid_empty', param: path });
  }
  return text;
}

export function requiredStr(params: Params, path: string, oneOf?: readonly string[]): string {
  return str(params, path, { required: true, ...(oneOf ? { oneOf } : {}) })!;
}

/** An integer parameter (amounts in minor units). */
export function int(params: Params, path: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = str(params, path, { required: options.required ?? false });
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw invalidRequest(`Invalid integer: ${raw}`, { code: 'parameter_invalid_integer', param: path });
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw invalidRequest(`Invalid integer: ${raw}`, { code: 'parameter_invalid_integer', param: path });
  if (options.min !== undefined && value < options.min) {
    throw invalidRequest(`This value must be greater than or equal to ${options.min}.`, { code: 'parameter_invalid_integer', param: path });
  }
  if (options.max !== undefined && value > options.max) {
    throw invalidRequest(`This value must be less than or equal to ${options.max}.`, { code: 'parameter_invalid_integer', param: path });
  }
  return value;
}

export function requiredInt(params: Params, path: string, options: { min?: number; max?: number } = {}): number {
  return int(params, path, { ...options, required: true })!;
}

export function bool(params: Params, path: string): boolean | undefined {
  const raw = str(params, path);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${raw}`, { code: 'parameter_invalid_boolean', param: path });
}

/** A list parameter (`x[0]=a&x[1]=b`, `x[]=a`, or one value). */
export function list(params: Params, path: string): string[] | undefined {
  const value = at(params, path);
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (isRecord(value)) return Object.values(value).map((v) => String(v));
  return [String(value)];
}

export function record(params: Params, path: string): Record<string, unknown> | undefined {
  const value = at(params, path);
  if (value === undefined || value === '') return undefined;
  if (!isRecord(value)) throw invalidRequest(`Invalid object`, { code: 'parameter_invalid_empty', param: path });
  return value;
}

/** The `metadata` of a create call: string keys and values, at most 50 keys. */
export function metadataOf(params: Params): Record<string, string> {
  return mergeMetadata({}, params);
}

/**
 * Stripe's update semantics for `metadata`: keys are merged, a key set to '' is removed, and
 * `metadata=''` clears everything.
 */
export function mergeMetadata(existing: Record<string, string>, params: Params): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return existing;
  if (value === '' || value === null) return {};
  if (!isRecord(value)) throw invalidParam('metadata', 'Invalid hash', 'parameter_invalid_empty');
  const next = { ...existing };
  for (const [key, v] of Object.entries(value)) {
    if (key.length > 40) throw invalidParam(`metadata[${key}]`, 'Metadata keys can have at most 40 characters.', 'parameter_invalid_string');
    if (v === '' || v === null) delete next[key];
    else {
      const text = String(v);
      if (text.length > 500) throw invalidParam(`metadata[${key}]`, 'Metadata values can have at most 500 characters.', 'parameter_invalid_string');
      next[key] = text;
    }
  }
  if (Object.keys(next).length > 50) throw invalidParam('metadata', 'You can have at most 50 metadata keys.', 'parameter_invalid_string');
  return next;
}

/** The `expand[]` paths of the request. */
export function expandPaths(params: Params): string[] {
  return list(params, 'expand') ?? [];
}
