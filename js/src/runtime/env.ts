/** True under Node (main thread or worker_threads), where node: modules are available. */
export const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
