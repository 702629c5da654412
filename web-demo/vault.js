// The demo vault, Ente's way: a password-derived key-encryption key wraps a master key, which
// wraps the album key, which wraps each file's key. `core` is cipherlens' worker API
// (createCoreWorker): every call is answered by a worker thread. A call's payload (its first
// argument: the message or ciphertext) is transferred there, so keys this vault keeps are
// wrapped from copies.
import { CoreError } from '../js/dist/index.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class Vault {
  constructor(core, store) {
    this.core = core;
    this.store = store;
    this.masterKey = null;
    this.albumKey = null;
    this.searchKey = null;  // encrypts the saved search index
  }

  async hasAccount() {
    return Boolean(await this.store.getAccount());
  }

  get unlocked() {
    return this.masterKey !== null;
  }

  /** Sign-up: Ente's sensitive derivation, key attributes stored as base64. */
  async create(password, progress) {
    const { core } = this;
    progress({ label: 'Deriving your key (Argon2id, 256 MiB, 16 passes)…' });
    const kek = await core.deriveSensitiveKey(password);
    const [masterKey, recoveryKey, albumKey, searchKey] = await Promise.all([1, 2, 3, 4].map(() => core.generateKey()));
    const { publicKey, secretKey } = await core.box.keypair();
    const b64 = core.b64.encode;
    const wrap = async (value, key) => {
      const { ciphertext, nonce } = await core.secretbox.encrypt(value.slice(), key);
      return { ciphertext: await b64(ciphertext), nonce: await b64(nonce) };
    };
    const attrs = {
      kekSalt: await b64(kek.salt),
      opsLimit: kek.opsLimit,
      memLimit: kek.memLimit,
      encryptedKey: await wrap(masterKey, kek.key),
      publicKey: await b64(publicKey),
      encryptedSecretKey: await wrap(secretKey, masterKey),
      masterKeyEncryptedWithRecoveryKey: await wrap(masterKey, recoveryKey),
      recoveryKeyEncryptedWithMasterKey: await wrap(recoveryKey, masterKey),
      encryptedAlbumKey: await wrap(albumKey, masterKey),
      encryptedSearchKey: await wrap(searchKey, masterKey),
    };
    await this.store.putAccount(attrs);
    kek.key.fill(0);
    secretKey.fill(0);
    this.masterKey = masterKey;
    this.albumKey = albumKey;
    this.searchKey = searchKey;
    const recoveryPhrase = await core.mnemonic.fromKey(recoveryKey);
    recoveryKey.fill(0);
    return { recoveryPhrase, opsLimit: attrs.opsLimit, memLimit: attrs.memLimit };
  }

  async unlock(password, progress) {
    const { core } = this;
    const attrs = await this.store.getAccount();
    progress({ label: `Deriving your key (Argon2id, ${attrs.memLimit / 2 ** 20} MiB, ${attrs.opsLimit} passes)…` });
    const kek = await core.deriveKey(password, await core.b64.decode(attrs.kekSalt), attrs.opsLimit, attrs.memLimit);
    await this.openMasterKey(attrs.encryptedKey, kek, 'Wrong password');
    await this.openKeys(attrs);
  }

  /** Unwraps the master key with `key` (wiped afterwards); a wrong key fails with `wrongKeyMessage`. */
  async openMasterKey(wrapped, key, wrongKeyMessage) {
    try {
      this.masterKey = await this.unwrap(wrapped, key);
    } catch (e) {
      if (e instanceof CoreError && e.code === 'AUTH_FAILED') throw new CoreError('AUTH_FAILED', wrongKeyMessage);
      throw e;
    } finally {
      key.fill(0);
    }
  }

  async openKeys(attrs) {
    this.albumKey = await this.unwrap(attrs.encryptedAlbumKey, this.masterKey);
    this.searchKey = await this.unwrap(attrs.encryptedSearchKey, this.masterKey);
  }

  /** Recovery: the 24-word phrase opens the master key; a new password re-wraps it. */
  async recover(phrase, newPassword, progress) {
    const { core } = this;
    const attrs = await this.store.getAccount();
    await this.openMasterKey(attrs.masterKeyEncryptedWithRecoveryKey, await core.mnemonic.toKey(phrase),
      'That recovery phrase belongs to another account');
    progress({ label: 'Deriving your new key (Argon2id, 256 MiB, 16 passes)…' });
    const kek = await core.deriveSensitiveKey(newPassword);
    const { ciphertext, nonce } = await core.secretbox.encrypt(this.masterKey.slice(), kek.key);
    kek.key.fill(0);
    await this.store.putAccount({
      ...attrs,
      kekSalt: await core.b64.encode(kek.salt),
      opsLimit: kek.opsLimit,
      memLimit: kek.memLimit,
      encryptedKey: { ciphertext: await core.b64.encode(ciphertext), nonce: await core.b64.encode(nonce) },
    });
    await this.openKeys(attrs);
  }

  lock() {
    for (const key of [this.masterKey, this.albumKey, this.searchKey]) key?.fill(0);
    this.masterKey = this.albumKey = this.searchKey = null;
  }

  async unwrap({ ciphertext, nonce }, key) {
    const { core } = this;
    return core.secretbox.decrypt(await core.b64.decode(ciphertext), await core.b64.decode(nonce), key);
  }

  requireUnlocked() {
    if (!this.unlocked) throw new CoreError('BAD_INPUT', 'The vault is locked');
  }

  /** Encrypts one photo: file contents as a stream, thumbnail and metadata as blobs. */
  async addPhoto({ name, bytes, thumbnail, width, height }) {
    this.requireUnlocked();
    const { core } = this;
    const fileKey = await core.generateKey();
    const metadata = utf8.encode(JSON.stringify({ title: name, width, height, addedAt: Date.now() }));
    const [file, thumb, meta] = await Promise.all([
      core.stream.encrypt(bytes, fileKey),             // the photo's bytes move to the worker
      core.blob.encrypt(thumbnail.slice(), fileKey),   // search indexes the thumbnail next
      core.blob.encrypt(metadata, fileKey),
    ]);
    const key = await core.secretbox.encrypt(fileKey, this.albumKey);  // moved there and wiped after use
    return this.store.addFile({
      encryptedKey: key.ciphertext, keyNonce: key.nonce,
      file: file.ciphertext, fileHeader: file.header,
      thumbnail: thumb.ciphertext, thumbnailHeader: thumb.header,
      metadata: meta.ciphertext, metadataHeader: meta.header,
    });
  }

  /** Runs fn with the record's file key, unwrapped with the album key and wiped afterwards. */
  async withFileKey(record, fn) {
    const key = await this.core.secretbox.decrypt(record.encryptedKey, record.keyNonce, this.albumKey);
    try {
      return await fn(key);
    } finally {
      key.fill(0);
    }
  }

  async list() {
    this.requireUnlocked();
    const records = await this.store.listFiles();
    return Promise.all(records.map((r) => this.withFileKey(r, async (key) =>
      ({ id: r.id, ...JSON.parse(fromUtf8.decode(await this.core.blob.decrypt(r.metadata, r.metadataHeader, key))) }))));
  }

  async thumbnail(id) {
    this.requireUnlocked();
    const r = await this.store.getFile(id);
    return this.withFileKey(r, (key) => this.core.blob.decrypt(r.thumbnail, r.thumbnailHeader, key));
  }

  async photo(id) {
    this.requireUnlocked();
    const r = await this.store.getFile(id);
    return this.withFileKey(r, (key) => this.core.stream.decrypt(r.file, r.fileHeader, key));
  }

  /** Ente's verification ID: what a friend compares before you share an album with them. */
  async verificationId() {
    const attrs = await this.store.getAccount();
    return this.core.verificationId(await this.core.b64.decode(attrs.publicKey));
  }
}
