// The client for Node (and any load driver): everything in the index, and SRP computed in this
// thread (fast-srp-hap runs in Node as it is). scripts/build-app.mjs bundles this entry into
// build/client/index.mjs.
export * from './index.js';
export { localSrp, srpSetup, srpLogin } from './account/srp.js';
