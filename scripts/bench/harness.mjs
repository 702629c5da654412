// Shared benchmark helpers. Every ratio a bench prints comes from `rounds` or `rates`: all
// contenders run once per round, in an order that rotates from round to round, after the same
// warm-up, in this one process (a native contender is a child process started inside the round),
// so load from other work on the machine hits every contender alike. A ratio is the median over
// rounds of the two contenders' ratio within the same round.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times contenders round by round. `contenders` maps a name to either
 *   - a function: one timed call (awaited), timed here by the wall clock, or
 *   - { prepare, run }: prepare() makes this call's input, untimed (e.g. fresh buffers a worker
 *     pool will take by transfer); run(input) is timed, or
 *   - { self }: self() returns the seconds it measured itself (a native child process reports
 *     the work it timed, not its start-up).
 * A timed call may return { seconds } to override the wall-clock figure the same way.
 * `warmup` untimed calls per contender first (JIT tiers, memory growth, caches); each round
 * runs every contender once, starting one further along the list than the round before; with
 * `gc` (needs --expose-gc) garbage is collected before every timed call; `beforeRound(r)` runs
 * (untimed) before each round, r = -1 before the warm-up (e.g. to pick the round's input).
 * Returns { names, samples: name -> seconds per round, median: name -> median seconds }.
 */
export async function rounds(contenders, { rounds: n = 7, warmup = 1, gc = true, beforeRound } = {}) {
  const names = Object.keys(contenders);
  const call = async (name) => {
    const c = contenders[name];
    if (typeof c === 'function') return timed(() => c());
    if (c.self) return c.self();
    const input = await c.prepare();
    return timed(() => c.run(input));
  };
  await beforeRound?.(-1);
  for (let w = 0; w < warmup; w++) for (const name of names) await call(name);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < n; r++) {
    await beforeRound?.(r);
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      if (gc) globalThis.gc?.();
      const s = await call(name);
      samples[name].push(s);
    }
  }
  return { names, samples, median: Object.fromEntries(names.map((name) => [name, median(samples[name])])) };
}

async function timed(fn) {
  const t0 = performance.now();
  const out = await fn();
  const wall = (performance.now() - t0) / 1000;
  return out && typeof out === 'object' && typeof out.seconds === 'number' ? out.seconds : wall;
}

/** Median over rounds of samples[base][r] / samples[name][r]: how many times faster `name` is. */
export function speedup(result, name, base) {
  const a = result.samples[base],
    b = result.samples[name];
  return median(b.map((t, r) => a[r] / t));
}

/**
 * Operations per second, round by round: in each round every contender runs for about `seconds`
 * (in batches of 16 calls), in rotating order; round 0 is the warm-up. A contender is a function
 * (one operation) or { self: () => ops per second } (a native child process timing itself).
 * Returns { names, samples: name -> seconds per operation, median: name -> ops/s }; use
 * `speedup` on it as on `rounds`.
 */
export async function rates(contenders, { rounds: n = 5, seconds = 0.25 } = {}) {
  const timedContenders = Object.fromEntries(
    Object.entries(contenders).map(([name, c]) => [
      name,
      {
        self: async () => {
          if (typeof c !== 'function') return 1 / (await c.self());
          let ops = 0;
          const t0 = performance.now();
          let t = t0;
          while (t - t0 < seconds * 1000) {
            for (let i = 0; i < 16; i++) c();
            ops += 16;
            t = performance.now();
          }
          return (t - t0) / 1000 / ops;
        },
      },
    ]),
  );
  const r = await rounds(timedContenders, { rounds: n, warmup: 1, gc: false });
  return { ...r, median: Object.fromEntries(r.names.map((name) => [name, 1 / r.median[name]])) };
}

/**
 * The native libsodium helper (scripts/bench/native_sodium_bench.c), compiled once with gcc -O3
 * against Debian's libsodium-dev. Returns a function running it with the given arguments and
 * parsing its JSON, or null (with a note on stderr) where gcc or libsodium is missing.
 */
export function nativeSodium() {
  try {
    const dir = fileURLToPath(new URL('../../build/bench/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const exe = `${dir}native_sodium_bench`;
    const src = fileURLToPath(new URL('./native_sodium_bench.c', import.meta.url));
    execFileSync('gcc', ['-O3', src, '-o', exe, '-lsodium']);
    return (...args) => JSON.parse(execFileSync(exe, args.map(String), { encoding: 'utf8' }));
  } catch (e) {
    process.stderr.write(`native libsodium bench unavailable: ${e.message}\n`);
    return null;
  }
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (x, digits = 1) => x.toFixed(digits);
export const times = (x, digits = 2) => `${x.toFixed(digits)}x`;

/**
 * Runs a bench script (a URL) in a child process with fetch on (bench.sh turns it off, and
 * playwright and the server's API helpers need it) and prints its markdown, without the (empty)
 * TAP report that the test helpers it borrows start.
 */
export function runWithFetch(scriptUrl) {
  const out = execFileSync(process.execPath, [fileURLToPath(scriptUrl)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  }).toString();
  process.stdout.write(
    out
      .split('\n')
      .filter((line) => !/^(TAP version|1\.\.\d|# )/.test(line))
      .join('\n'),
  );
}
