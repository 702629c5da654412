// Why an account ceremony failed, in words a person can act on; `cause` keeps the ApiError.

export type AccountErrorCode =
  | 'wrong_password'
  | 'rate_limited'
  | 'bad_phrase'
  | 'wrong_phrase'
  | 'keys_do_not_open'
  | 'server_not_proven'
  | 'identity_mismatch';

export class AccountError extends Error {
  override name = 'AccountError';
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const MESSAGES: Record<AccountErrorCode, string> = {
  wrong_password: 'Wrong email or password',
  rate_limited: 'Too many attempts: wait a few minutes and try again',
  bad_phrase: 'That is not a valid recovery phrase',
  wrong_phrase: 'That recovery phrase does not belong to this account',
  keys_do_not_open: 'Your account keys do not open',
  server_not_proven: 'The server could not prove it knows your account',
  identity_mismatch:
    "The server answered with keys that are not this account's own: nothing was opened or sent. Try again later, or ask whoever runs the server.",
};

export const accountError = (code: AccountErrorCode, cause?: unknown) => new AccountError(code, MESSAGES[code], { cause });
