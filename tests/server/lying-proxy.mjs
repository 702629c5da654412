// A lying server for the tests: an HTTP proxy in front of the real server (server/app.mjs) that
// passes everything through until a test tells it to lie about one route. The client library
// (Node) and the app (Chromium, which loads the app through the proxy, so it is the page's
// origin) cannot tell it from the server. A lie sees the request and can ask the real server
// first; it answers what it likes: a changed JSON body, bytes of another file, an answer it
// kept from earlier (a rollback).
import { createServer } from 'node:http';

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/**
 * Starts a proxy for `upstream` (a URL). `lie(method, path, handler)`: `path` is a RegExp over
 * the path (query excluded) or a string equal to it; `handler({ method, path, query, headers,
 * body, forward })` returns the answer `{ status, headers?, json? | bytes? }`, or undefined to
 * pass the request through. `forward()` sends it to the real server and resolves to `{ status,
 * headers, bytes, json }`. The newest lie for a route wins; `clear()` removes them all.
 * `seen` counts the requests per "METHOD path".
 */
export async function startLyingProxy(upstream) {
  const lies = [];
  const seen = new Map();

  async function forward(method, url, headers, body) {
    const res = await fetch(upstream + url, {
      method,
      headers: Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP.has(k))),
      body: body.length && method !== 'GET' && method !== 'HEAD' ? body : undefined,
      redirect: 'manual',
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const json =
      type.startsWith('application/json') && bytes.length ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
    return { status: res.status, headers: Object.fromEntries(res.headers), bytes, json };
  }

  const server = createServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      const [path, query = ''] = req.url.split('?');
      seen.set(`${req.method} ${path}`, (seen.get(`${req.method} ${path}`) ?? 0) + 1);
      const send = () => forward(req.method, req.url, req.headers, body);
      let answer;
      for (const l of [...lies].reverse()) {
        if (l.method !== req.method || !(typeof l.path === 'string' ? l.path === path : l.path.test(path))) continue;
        answer = await l.handler({
          method: req.method,
          path,
          query: new URLSearchParams(query),
          headers: req.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')),
          forward: send,
        });
        if (answer) break;
      }
      answer ??= await send();
      const out = answer.json !== undefined ? Buffer.from(JSON.stringify(answer.json)) : Buffer.from(answer.bytes ?? []);
      const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).filter(([k]) => !HOP.has(k)));
      if (answer.json !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(answer.status ?? 200, { ...headers, 'content-length': out.length });
      res.end(req.method === 'HEAD' ? undefined : out);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`lying proxy: ${e?.stack ?? e}`);
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    lie(method, path, handler) {
      const l = { method, path, handler };
      lies.push(l);
      return () => lies.splice(lies.indexOf(l), 1);
    },
    /** A lie that rewrites the real server's JSON answer with `change(json, request)` (returning the new JSON). */
    rewrite(method, path, change) {
      return this.lie(method, path, async (request) => {
        const real = await request.forward();
        return { ...real, json: await change(real.json, request) };
      });
    },
    clear: () => {
      lies.length = 0;
    },
    /** A call to the real server behind the proxy (what a lie may build its answer from). */
    async upstream(method, path, token, body) {
      const headers = token ? { 'x-auth-token': token } : {};
      const buf = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
      if (body !== undefined) headers['content-type'] = 'application/json';
      return forward(method, path, headers, buf);
    },
    /** The real server's answer for `email`'s public key. */
    async upstreamContact(email, token) {
      return (await this.upstream('GET', `/api/users/public-key?email=${encodeURIComponent(email)}`, token)).json;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}
