// The bar: the brand, and in the gallery the search box, who is signed in and log out.
import { lock } from '../actions/account.js';
import { runQuery } from '../actions/search.js';
import { formFields, useApp, useCtx } from '../hooks.js';

export function Header() {
  const ctx = useCtx();
  const inGallery = useApp((s) => s.screen === 'gallery');
  const search = useApp((s) => s.search);
  const email = useApp((s) => s.account?.email);
  return (
    <header class="bar">
      <span class="brand">
        cipherlens <small>photos</small>
      </span>
      {inGallery && (
        <search class="search">
          <form id="search-form" onSubmit={(e) => runQuery(ctx, formFields(e).query ?? '')}>
            <input
              id="search-input"
              name="query"
              type="search"
              placeholder={search.placeholder}
              aria-label="Search your photos"
              disabled={!search.enabled}
            />
          </form>
        </search>
      )}
      <span class="spacer" />
      {inGallery && (
        <>
          <span id="who" class="who">
            {email}
          </span>
          <button id="lock-button" type="button" onClick={() => lock(ctx)}>
            Log out
          </button>
        </>
      )}
    </header>
  );
}
