// The app lock: after a stretch with no input (pointer, keys, wheel, touch) the gallery locks
// (keys wiped, the unlock screen shown). The stretch is the person's choice, kept per device.
const SETTING = 'cipherlens.lockAfterMinutes';
export const LOCK_CHOICES = [1, 5, 15, 60, 0] as const; // minutes; 0: never
const DEFAULT_MINUTES = 15;
const INPUTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'];
const CHECK_MS = 5_000;

export function lockAfterMinutes(): number {
  const kept = Number(localStorage.getItem(SETTING));
  return (LOCK_CHOICES as readonly number[]).includes(kept) && localStorage.getItem(SETTING) !== null ? kept : DEFAULT_MINUTES;
}

export function setLockAfterMinutes(minutes: number): void {
  localStorage.setItem(SETTING, String(minutes));
}

/**
 * Calls `lock` once no input came for the chosen stretch, unless `busy()` (uploads running:
 * locking would stop them); stop() ends the watch.
 */
export function watchIdle(lock: () => void, busy: () => boolean): { stop(): void } {
  let last = Date.now();
  const touched = () => {
    last = Date.now();
  };
  for (const e of INPUTS) window.addEventListener(e, touched, { passive: true, capture: true });
  const timer = setInterval(() => {
    const minutes = lockAfterMinutes();
    if (minutes === 0 || busy()) return touched();
    if (Date.now() - last >= minutes * 60_000) lock();
  }, CHECK_MS);
  return {
    stop() {
      clearInterval(timer);
      for (const e of INPUTS) window.removeEventListener(e, touched, { capture: true });
    },
  };
}
