// The demo vault, Ente's way: a password-derived key-encryption key wraps a master key, which
// wraps the album key, which wraps each file's key. Runs inside gallery-worker.js.
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
    const kek = core.deriveSensitiveKey(password);
    const masterKey = core.generateKey();
    const recoveryKey = core.generateKey();
    const albumKey = core.generateKey();
    const searchKey = core.generateKey();
    const { publicKey, secretKey } = core.box.keypair();
    const b64 = core.b64.encode;
    const wrap = (value, key) => {
      const { ciphertext, nonce } = core.secretbox.encrypt(value, key);
      return { ciphertext: b64(ciphertext), nonce: b64(nonce) };
    };
    const attrs = {
      kekSalt: b64(kek.salt),
      opsLimit: kek.opsLimit,
      memLimit: kek.memLimit,
      encryptedKey: wrap(masterKey, kek.key),
      publicKey: b64(publicKey),
      encryptedSecretKey: wrap(secretKey, masterKey),
      masterKeyEncryptedWithRecoveryKey: wrap(masterKey, recoveryKey),
      recoveryKeyEncryptedWithMasterKey: wrap(recoveryKey, masterKey),
      encryptedAlbumKey: wrap(albumKey, masterKey),
      encryptedSearchKey: wrap(searchKey, masterKey),
    };
    await this.store.putAccount(attrs);
    kek.key.fill(0);
    secretKey.fill(0);
    this.masterKey = masterKey;
    this.albumKey = albumKey;
    this.searchKey = searchKey;
    const recoveryPhrase = core.mnemonic.fromKey(recoveryKey);
    recoveryKey.fill(0);
    return { recoveryPhrase, opsLimit: attrs.opsLimit, memLimit: attrs.memLimit };
  }

  async unlock(password, progress) {
    const { core } = this;
    const attrs = await this.store.getAccount();
    progress({ label: `Deriving your key (Argon2id, ${attrs.memLimit / 2 ** 20} MiB, ${attrs.opsLimit} passes)…` });
    const kek = core.deriveKey(password, core.b64.decode(attrs.kekSalt), attrs.opsLimit, attrs.memLimit);
    this.openMasterKey(attrs.encryptedKey, kek, 'Wrong password');
    this.openKeys(attrs);
  }

  /** Unwraps the master key with `key` (wiped afterwards); a wrong key fails with `wrongKeyMessage`. */
  openMasterKey(wrapped, key, wrongKeyMessage) {
    try {
      this.masterKey = this.unwrap(wrapped, key);
    } catch (e) {
      if (e instanceof CoreError && e.code === 'AUTH_FAILED') throw new CoreError('AUTH_FAILED', wrongKeyMessage);
      throw e;
    } finally {
      key.fill(0);
    }
  }

  openKeys(attrs) {
    this.albumKey = this.unwrap(attrs.encryptedAlbumKey, this.masterKey);
    this.searchKey = this.unwrap(attrs.encryptedSearchKey, this.masterKey);
  }

  /** Recovery: the 24-word phrase opens the master key; a new password re-wraps it. */
  async recover(phrase, newPassword, progress) {
    const { core } = this;
    const attrs = await this.store.getAccount();
    this.openMasterKey(attrs.masterKeyEncryptedWithRecoveryKey, core.mnemonic.toKey(phrase),
      'That recovery phrase belongs to another account');
    progress({ label: 'Deriving your new key (Argon2id, 256 MiB, 16 passes)…' });
    const kek = core.deriveSensitiveKey(newPassword);
    const { ciphertext, nonce } = core.secretbox.encrypt(this.masterKey, kek.key);
    kek.key.fill(0);
    await this.store.putAccount({
      ...attrs,
      kekSalt: core.b64.encode(kek.salt),
      opsLimit: kek.opsLimit,
      memLimit: kek.memLimit,
      encryptedKey: { ciphertext: core.b64.encode(ciphertext), nonce: core.b64.encode(nonce) },
    });
    this.openKeys(attrs);
  }

  lock() {
    for (const key of [this.masterKey, this.albumKey, this.searchKey]) key?.fill(0);
    this.masterKey = this.albumKey = this.searchKey = null;
  }

  unwrap({ ciphertext, nonce }, key) {
    const { core } = this;
    return core.secretbox.decrypt(core.b64.decode(ciphertext), core.b64.decode(nonce), key);
  }

  requireUnlocked() {
    if (!this.unlocked) throw new CoreError('BAD_INPUT', 'The vault is locked');
  }

  /** Encrypts one photo: file contents as a stream, thumbnail and metadata as blobs. */
  async addPhoto({ name, bytes, thumbnail, width, height }) {
    this.requireUnlocked();
    const { core } = this;
    const fileKey = core.generateKey();
    const file = core.stream.encrypt(bytes, fileKey);
    const thumb = core.blob.encrypt(thumbnail, fileKey);
    const meta = core.blob.encrypt(utf8.encode(JSON.stringify({ title: name, width, height, addedAt: Date.now() })), fileKey);
    const key = core.secretbox.encrypt(fileKey, this.albumKey);
    fileKey.fill(0);
    return this.store.addFile({
      encryptedKey: key.ciphertext, keyNonce: key.nonce,
      file: file.ciphertext, fileHeader: file.header,
      thumbnail: thumb.ciphertext, thumbnailHeader: thumb.header,
      metadata: meta.ciphertext, metadataHeader: meta.header,
    });
  }

  /** Runs fn with the record's file key, unwrapped with the album key and wiped afterwards. */
  withFileKey(record, fn) {
    const key = this.core.secretbox.decrypt(record.encryptedKey, record.keyNonce, this.albumKey);
    try {
      return fn(key);
    } finally {
      key.fill(0);
    }
  }

  async list() {
    this.requireUnlocked();
    const records = await this.store.listFiles();
    return records.map((r) => this.withFileKey(r, (key) =>
      ({ id: r.id, ...JSON.parse(fromUtf8.decode(this.core.blob.decrypt(r.metadata, r.metadataHeader, key))) })));
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
    return this.core.verificationId(this.core.b64.decode(attrs.publicKey));
  }
}
