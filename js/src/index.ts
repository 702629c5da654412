// Everything, for this repository's tests and demo. Not an entry of the published package:
// apps import `cipherlens` (crypto) or `cipherlens/search` (package.json "exports").
export * from './search.js';
