// The recovery phrase, shown once after sign-up.
import { acknowledgePhrase } from '../actions/account.js';
import { useApp, useCtx } from '../hooks.js';

export function Phrase() {
  const ctx = useCtx();
  const words = useApp((s) => s.phrase) ?? [];
  return (
    <section id="screen-phrase" class="card">
      <h1>Your recovery phrase</h1>
      <p class="lede">
        If you forget your password, these 24 words are the only way back in. Write them down and keep them safe.
      </p>
      <ol id="phrase-words" class="phrase">
        {words.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ol>
      <button id="phrase-done" type="button" onClick={() => acknowledgePhrase(ctx)}>
        I have written it down
      </button>
    </section>
  );
}
