// Loaded by csp.test.mjs: code that needs eval, which the strict policy must refuse.
export function tryEval() {
  try {
    return String(new Function('return 1')());
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}
