// The gallery's search-ready rows at library scale (gallery-search-ready.mjs), in a child process
// with fetch (harness.mjs).
import { runWithFetch } from './harness.mjs';

runWithFetch(new URL('gallery-search-ready.mjs', import.meta.url));
