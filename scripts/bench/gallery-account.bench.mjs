// Sign-up and log-in through the gallery (gallery-account.mjs), in a child process with fetch (harness.mjs).
import { runWithFetch } from './harness.mjs';

runWithFetch(new URL('gallery-account.mjs', import.meta.url));
