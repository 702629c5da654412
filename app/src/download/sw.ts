/// <reference lib="webworker" />
// The download service worker: turns a stream the page decrypts into a file download, so a
// large video goes to disk chunk by chunk and is never whole in memory. The page posts a
// MessagePort with a token, then opens <scope>download/<token>/<name> in a hidden frame; this
// worker answers that request with a ReadableStream that asks the page (over the port) for each
// next piece only when the browser has written the one before (backpressure). Nothing else
// passes through it: every other request goes to the network untouched.
export {};
declare const self: ServiceWorkerGlobalScope;

interface Pending {
  port: MessagePort;
  name: string;
  type: string;
}

const pending = new Map<string, Pending>();
const TOKEN = /^[0-9a-f]{32}$/;

self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('message', (e) => {
  const { token, name, type } = (e.data ?? {}) as { token?: string; name?: string; type?: string };
  const port = e.ports[0];
  if (!port || typeof token !== 'string' || !TOKEN.test(token) || typeof name !== 'string') return;
  pending.set(token, { port, name, type: type || 'application/octet-stream' });
  port.postMessage({ ready: true });
});

/** A stream pulling pieces from the page over `port`: one request per pull. */
function streamFrom(port: MessagePort): ReadableStream<Uint8Array> {
  let waiting: ((m: { chunk?: Uint8Array; done?: boolean; error?: string }) => void) | null = null;
  port.onmessage = (e) => waiting?.(e.data);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await new Promise<{ chunk?: Uint8Array; done?: boolean; error?: string }>((ok) => {
          waiting = ok;
          port.postMessage({ pull: true });
        });
        waiting = null;
        if (next.error !== undefined) {
          controller.error(new Error(next.error));
          port.close();
        } else if (next.done) {
          controller.close();
          port.close();
        } else if (next.chunk) controller.enqueue(next.chunk);
      },
      cancel() {
        port.postMessage({ cancel: true });
        port.close();
      },
    },
    { highWaterMark: 1 },
  );
}

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
const disposition = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(`${scope.pathname}download/`)) return;
  const token = url.pathname.slice(`${scope.pathname}download/`.length).split('/')[0];
  const job = pending.get(token);
  if (!job) {
    e.respondWith(new Response('This download is over or was never started.', { status: 404 }));
    return;
  }
  pending.delete(token);
  // No Content-Length: the size a metadata claims is not a reason to cut or pad the file.
  const headers: Record<string, string> = {
    'Content-Type': job.type,
    'Content-Disposition': disposition(job.name),
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  };
  e.respondWith(new Response(streamFrom(job.port), { headers }));
});
