// Debian's chromium through playwright-core, as every browser test and bench starts it: headless,
// no sandbox (CI runs as root), no GPU, and none of the background requests Chromium would make
// to Google's servers on its own.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(extraArgs = []) {
  // Imported on first use: the benches respawn themselves with fetch enabled before they get here.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, ...extraArgs] });
}

/**
 * A browser whose profile lives in `userDataDir` (IndexedDB, localStorage kept on disk): closed
 * and launched again on the same folder, it is a restarted browser. One context; pages from it.
 */
export async function launchPersistent(userDataDir, options = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', args: ARGS, ...options });
}
