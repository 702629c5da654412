// The busy line and the error line: one long task at a time shows its label (and progress when
// it has steps), forms are disabled meanwhile, and a failure is shown in place, in words.
import { AccountError, ApiError } from '../../../client/src/index.js';
import type { Ctx } from '../context.js';

export function progress(ctx: Ctx, label: string, done?: number, total?: number) {
  ctx.store.set({ busy: { label, done, total } });
}

export const messageOf = (e: unknown): string => {
  if (e instanceof AccountError || e instanceof ApiError) return e.message;
  return (e as Error)?.message ?? String(e);
};

export function showError(ctx: Ctx, e: unknown) {
  ctx.store.set({ error: messageOf(e) });
}

/** Runs a long task with the busy line up and errors shown; resolves to undefined on failure. */
export async function busy<T>(ctx: Ctx, label: string, fn: () => Promise<T>): Promise<T | undefined> {
  ctx.store.set({ error: null, busy: { label } });
  try {
    return await fn();
  } catch (e) {
    showError(ctx, e);
    return undefined;
  } finally {
    ctx.store.set({ busy: null });
  }
}
