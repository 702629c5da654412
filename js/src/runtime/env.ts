/** True under Node (main thread or worker_threads), where node: modules are available. */
export const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * Imports a module only Node has (`node:fs/promises`, comlink's Node adapter), at run time. The
 * specifier goes through a parameter so browser bundlers neither resolve it nor warn about it
 * (Vite: "externalized for browser compatibility"); webpack is told by its comment.
 */
// biome-ignore lint/suspicious/noExplicitAny: the module's shape is declared by each caller.
export const importNode = (specifier: string): Promise<any> => import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
