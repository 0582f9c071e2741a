export {
  Catalog,
  type EntityVersion,
  type VersionInSnapshot,
  type CatalogDiff,
  type SearchHit,
  type CatalogDump,
} from './catalog.js';
export type { CatalogDatabase, Dialect } from './schema.js';
