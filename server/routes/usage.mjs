// The signed-in account's storage: what it holds (uploads in progress included) and its quota.
import { ROUTES } from '../../contract/routes.mjs';
import { sendJson } from '../http.mjs';

export function usageRoutes({ store, auth, config }) {
  return [
    [
      ROUTES.usage,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const { usedBytes, objects } = await store.usage(user.id);
        const quota = user.quotaBytes ?? config.quotaBytes;
        sendJson(res, 200, { usedBytes, objects, quotaBytes: quota > 0 ? quota : null });
      },
    ],
  ];
}
