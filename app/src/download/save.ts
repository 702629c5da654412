// Saving a stream of bytes to a file without holding it whole: through the download service
// worker (sw.ts) where there is one, else into a file the person picks (the File System Access
// API), else (neither available) as one Blob, the only way left.
const SW_FILE = 'download-sw.js';
/** How long a new download worker may take to become active before downloads go another way. */
const ACTIVATION_MS = 5000;

export type SaveWay = 'service-worker' | 'file-picker' | 'blob';

let registration: Promise<ServiceWorkerRegistration | undefined> | undefined;

/** Registers the download worker (once; at start, so it controls the app's scope by the first download). */
export function prepareDownloads(base: URL): Promise<ServiceWorkerRegistration | undefined> {
  registration ??= (async () => {
    if (!('serviceWorker' in navigator)) return undefined;
    try {
      const reg = await navigator.serviceWorker.register(new URL(SW_FILE, base), { scope: base.pathname });
      // `ready` never settles where workers are blocked: wait for activation a while, no longer.
      const timeout = new Promise<undefined>((ok) => setTimeout(ok, ACTIVATION_MS, undefined));
      return (await Promise.race([navigator.serviceWorker.ready.then(() => reg), timeout])) && reg.active ? reg : undefined;
    } catch {
      return undefined; // blocked (private windows, policies): the other ways remain
    }
  })();
  return registration;
}

const randomToken = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A file name safe to save: no folders, no control characters, no leading dots. */
export function safeName(name: string, fallback = 'download'): string {
  const cleaned = [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 || c === '\x7f' || '/\\:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || fallback;
}

/** Pumps `source` into the service worker's port until done, cancelled or failed. */
function pump(port: MessagePort, source: AsyncIterator<Uint8Array>, done: (e?: unknown) => void) {
  port.onmessage = async (e) => {
    if (e.data?.cancel) {
      await source.return?.();
      port.close();
      done(new DOMException('The download was cancelled', 'AbortError'));
      return;
    }
    if (!e.data?.pull) return;
    try {
      const next = await source.next();
      if (next.done) {
        port.postMessage({ done: true });
        port.close();
        done();
      } else {
        const chunk =
          next.value.byteOffset === 0 && next.value.byteLength === next.value.buffer.byteLength ? next.value : next.value.slice();
        port.postMessage({ chunk }, [chunk.buffer as ArrayBuffer]);
      }
    } catch (err) {
      port.postMessage({ error: (err as Error).message ?? 'failed' });
      port.close();
      done(err);
    }
  };
}

async function viaServiceWorker(
  reg: ServiceWorkerRegistration,
  base: URL,
  name: string,
  type: string,
  source: AsyncIterator<Uint8Array>,
) {
  const worker = reg.active;
  if (!worker) throw new Error('the download worker is not active');
  const token = randomToken();
  const channel = new MessageChannel();
  const finished = new Promise<void>((ok, fail) => pump(channel.port1, source, (e) => (e ? fail(e) : ok())));
  await new Promise<void>((ok) => {
    const first = channel.port1.onmessage;
    channel.port1.onmessage = (e) => {
      if (e.data?.ready) {
        channel.port1.onmessage = first;
        ok();
      }
    };
    worker.postMessage({ token, name, type }, [channel.port2]);
  });
  // A frame's navigation to the worker's URL: the browser saves the answer as a download. The
  // frame goes as soon as every byte was handed over (while it is there, Esc stops its loading
  // instead of reaching the page).
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = new URL(`download/${token}/${encodeURIComponent(name)}`, base).href;
  document.body.append(frame);
  try {
    await finished;
  } finally {
    frame.remove();
  }
}

interface SaveFilePicker {
  showSaveFilePicker(options: { suggestedName: string }): Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;
}

/**
 * Saves what `source` yields as the file `name`; resolves once every byte was handed to the
 * browser. `via` forces one way (tests); otherwise the first that this browser has.
 */
export async function saveStream(
  base: URL,
  name: string,
  type: string,
  source: AsyncIterable<Uint8Array>,
  via?: SaveWay,
): Promise<SaveWay> {
  const iterator = source[Symbol.asyncIterator]();
  const file = safeName(name);
  const reg = via === undefined || via === 'service-worker' ? await prepareDownloads(base) : undefined;
  if (reg?.active && via !== 'file-picker' && via !== 'blob') {
    await viaServiceWorker(reg, base, file, type, iterator);
    return 'service-worker';
  }
  const picker = (window as unknown as Partial<SaveFilePicker>).showSaveFilePicker;
  if (picker && via !== 'blob') {
    const handle = await picker.call(window, { suggestedName: file });
    const writable = await handle.createWritable();
    const writer = writable.getWriter();
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) await writer.write(next.value);
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
      await iterator.return?.();
      throw e;
    }
    return 'file-picker';
  }
  const parts: Uint8Array[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) parts.push(next.value);
  const url = URL.createObjectURL(new Blob(parts as Uint8Array<ArrayBuffer>[], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'blob';
}
