// Node's `assert` as fast-srp-hap uses it: assert(value, message) and assert.strictEqual.
class AssertionError extends Error {}

function assert(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? 'assertion failed');
}
assert.strictEqual = (a: unknown, b: unknown, message?: string) => {
  if (a !== b) throw new AssertionError(message ?? 'values differ');
};
assert.equal = assert.strictEqual;

export default assert;
