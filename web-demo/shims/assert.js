// Node's `assert` as fast-srp-hap uses it: assert(value, message) and assert.strictEqual.
class AssertionError extends Error {}

export default function assert(value, message) {
  if (!value) throw new AssertionError(message ?? 'assertion failed');
}
assert.strictEqual = (a, b, message) => {
  if (a !== b) throw new AssertionError(message ?? 'values differ');
};
assert.equal = assert.strictEqual;
