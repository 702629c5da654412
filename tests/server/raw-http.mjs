// Requests exactly as written (no URL normalisation, any header, a body cut short): what a
// hostile client sends. Resolves to { status, headers, json, text }.
import { request } from 'node:http';

export function rawRequest(url, { method = 'GET', path, headers = {}, body, sendBytes } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers, setHost: true });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
        req.destroy();
      });
    });
    // A declared body larger than what is sent: the server must answer without waiting for it.
    if (sendBytes !== undefined) {
      req.write(Buffer.alloc(sendBytes, 0x61));
      return;
    }
    req.end(body);
  });
}
