// Structured request logs: one JSON line per request, written when its answer ends. A line
// names the route's pattern (/api/files/:id/file), never the path or query as sent, and no
// header: tokens, access tokens, emails and keys travel in headers, queries and bodies, so none
// can reach a log (tests/server/operations.test.mjs checks).
import { clientAddress } from './auth.mjs';

export function requestLogger(write, config) {
  if (!write) return () => {};
  return (req, res, info) => {
    const started = process.hrtime.bigint();
    const receivedBefore = req.socket.bytesRead;
    res.once('close', () => {
      write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          route: info.route ?? 'unmatched',
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          bytesIn: req.socket.bytesRead - receivedBefore,
          bytesOut: Number(res.getHeader('content-length') ?? 0) || undefined,
          error: info.error,
          complete: res.writableFinished,
          address: clientAddress(req, config),
        })}\n`,
      );
    });
  };
}
