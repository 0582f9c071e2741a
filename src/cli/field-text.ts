/**
 * Jira field values (REST v3 representation, as a snapshot stores them) as text a person reads:
 * a user is their display name, a status/priority/version its name, an option its value, an
 * issue reference its key and summary, a rich-text field its ADF rendered as text, a date-time in
 * UTC. Anything else is shown as compact JSON. Every string is cleaned for the terminal.
 */
import { adfToText, isAdfDoc, type AdfTextOptions } from './adf-text.js';
import { clean, formatBytes, formatTime, truncate } from './text.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function refText(o: Json, adf: AdfTextOptions): string {
  if (typeof o.displayName === 'string') return clean(o.displayName);
  if (isAdfDoc(o)) return adfToText(o, adf);
  // Issue references (parent, sub-tasks): key and summary.
  if (typeof o.key === 'string' && isObject(o.fields))
    return `${clean(o.key)}${typeof o.fields.summary === 'string' ? ` ${clean(o.fields.summary)}` : ''}`;
  // Cascading select: parent value → child value.
  if (typeof o.value === 'string')
    return isObject(o.child) ? `${clean(o.value)} → ${clean(o.child.value)}` : clean(o.value);
  if (typeof o.name === 'string') {
    const state = typeof o.state === 'string' ? ` (${clean(o.state)})` : '';
    return `${clean(o.name)}${typeof o.key === 'string' && o.key !== o.name ? ` [${clean(o.key)}]` : ''}${state}`;
  }
  if (typeof o.key === 'string') return clean(o.key);
  // Issue links: "blocks ABC-1 Summary".
  if (isObject(o.type) && (isObject(o.outwardIssue) || isObject(o.inwardIssue))) {
    const out = isObject(o.outwardIssue);
    const other = (out ? o.outwardIssue : o.inwardIssue) as Json;
    const verb = clean(out ? o.type.outward : o.type.inward) || clean(o.type.name);
    return `${verb} ${refText(other, adf)}`;
  }
  if (typeof o.originalEstimate === 'string' || typeof o.remainingEstimate === 'string') {
    const parts: string[] = [];
    if (o.originalEstimate) parts.push(`original ${clean(o.originalEstimate)}`);
    if (o.remainingEstimate) parts.push(`remaining ${clean(o.remainingEstimate)}`);
    if (o.timeSpent) parts.push(`spent ${clean(o.timeSpent)}`);
    return parts.join(', ');
  }
  if (typeof o.votes === 'number') return String(o.votes);
  if (typeof o.watchCount === 'number') return String(o.watchCount);
  if (typeof o.progress === 'number' && typeof o.total === 'number') return `${o.progress}/${o.total} s`;
  if (typeof o.filename === 'string')
    return `${clean(o.filename)}${typeof o.size === 'number' ? ` (${formatBytes(o.size)})` : ''}`;
  if (typeof o.id === 'string' || typeof o.id === 'number') return clean(o.id);
  return truncate(clean(JSON.stringify(o)), 200);
}

/** The value as text; empty string for an empty value. ADF documents may span several lines. */
export function fieldText(value: unknown, adf: AdfTextOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? formatTime(value) : clean(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value
      .map((v) => fieldText(v, adf))
      .filter((s) => s !== '')
      .join(', ');
  if (isObject(value)) return refText(value, adf);
  return clean(String(value));
}

/** True when a value is empty (nothing to show). */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}
