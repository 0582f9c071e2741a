/**
 * Shared, read-only empty collections. Most comments, worklogs and issues have no properties and
 * most issues no voters; a fresh Map or Set costs about 190 bytes, which adds up to hundreds of
 * megabytes in a large world. Records start with these shared instances, and mutation primitives
 * replace them with a private collection before the first write. Writing to a shared instance directly throws, so a missed replacement is loud,
 * never a silent change to every record.
 */
import type { JsonValue, Properties } from './site.js';

class ReadonlyEmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new TypeError('shared empty properties are read-only: use the mutate/properties primitives');
  }
  override clear(): void {}
  override delete(): boolean {
    return false;
  }
}

class ReadonlyEmptySet<T> extends Set<T> {
  override add(): this {
    throw new TypeError('shared empty set is read-only: use the mutation primitives');
  }
  override clear(): void {}
  override delete(): boolean {
    return false;
  }
}

export const EMPTY_PROPERTIES: Properties = Object.freeze(new ReadonlyEmptyMap<string, JsonValue>());
export const EMPTY_SET: Set<string> = Object.freeze(new ReadonlyEmptySet<string>());

/** Properties from a plain object: the shared empty map when there are none. */
export function propertiesFrom(values: Record<string, JsonValue> | undefined): Properties {
  if (!values) return EMPTY_PROPERTIES;
  const keys = Object.keys(values);
  return keys.length === 0 ? EMPTY_PROPERTIES : new Map(keys.map((k) => [k, values[k]!]));
}

export function isSharedEmpty(collection: Map<unknown, unknown> | Set<unknown>): boolean {
  return collection === EMPTY_PROPERTIES || collection === EMPTY_SET;
}
