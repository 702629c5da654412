// The gallery grid row (gallery-grid.mjs), in a child process with fetch (harness.mjs).
import { runWithFetch } from './harness.mjs';

runWithFetch(new URL('gallery-grid.mjs', import.meta.url));
