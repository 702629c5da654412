// The account record (docs/formats.md): this account's pinned contacts and the highest head it has
// seen of each album, encrypted under its master key and kept by the server with a version.
// Writes are compare-and-swap: a write that loses to another device's reads the newer record,
// merges and tries again. Each device also keeps the last record it saw (sealed, in a
// DeviceStore), so a server that later serves it an older record, or none, is caught and loses
// nothing: the two are merged.
import { type AccountRecord, emptyRecord, mergeRecords, openRecord, sealRecord } from '../trust/record.js';
import { isStatus } from '../wire/errors.js';
import type { Session } from './session.js';

/** A record sealed under the master key, as the server and the device store keep it. */
export interface SealedRecord {
  version: number;
  encryptedData: Uint8Array;
  decryptionNonce: Uint8Array;
}

/** Where a device keeps the last record it saw, per account (the app: IndexedDB; Node: memory). */
export interface DeviceStore {
  load(key: string): Promise<SealedRecord | undefined>;
  save(key: string, sealed: SealedRecord): Promise<void>;
}

/** A DeviceStore in memory (one per device; tests and load drivers). */
export function memoryDeviceStore(): DeviceStore {
  const kept = new Map<string, SealedRecord>();
  return {
    load: async (key) => kept.get(key),
    save: async (key, sealed) => {
      kept.set(key, sealed);
    },
  };
}

/** What loading the record found wrong: the server served an older record than this device saw. */
export interface RecordFinding {
  kind: 'record-rollback';
  /** The version this device saw, and the one the server served (0: none). */
  seen: number;
  served: number;
}

const WRITE_ATTEMPTS = 5;

export class RecordKeeper {
  record: AccountRecord;
  findings: RecordFinding[] = [];
  private deviceKey: string;

  constructor(
    readonly session: Session,
    readonly device: DeviceStore,
  ) {
    this.record = emptyRecord(session.id);
    // Keyed by the account's own signing key, not only the id the server reports.
    const pk = Array.from(session.identity.signing.publicKey.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
    this.deviceKey = `account-record:${session.id}:${pk}`;
  }

  private open(sealed: SealedRecord) {
    return openRecord(this.session.crypto, sealed, this.session.keys().masterKey, this.session.id);
  }

  /** The record from the server, merged with this device's last one. */
  async load(): Promise<AccountRecord> {
    this.findings = [];
    const served = await this.session.api.record();
    const onServer =
      served.version > 0 && served.encryptedData && served.decryptionNonce
        ? await this.open({
            version: served.version,
            encryptedData: served.encryptedData,
            decryptionNonce: served.decryptionNonce,
          })
        : emptyRecord(this.session.id);
    const kept = await this.device.load(this.deviceKey);
    let record = onServer;
    if (kept) {
      const mine = await this.open(kept);
      if (mine.version > onServer.version)
        this.findings.push({ kind: 'record-rollback', seen: mine.version, served: onServer.version });
      record = mergeRecords(onServer, mine);
      record.version = onServer.version; // what the server holds: the next write follows it
    }
    this.record = record;
    return record;
  }

  /**
   * Applies `change` to the newest record and writes it as the next version; when another device
   * wrote first, reads that, merges and applies `change` again. Resolves to the record written.
   */
  async update(change: (record: AccountRecord) => AccountRecord): Promise<AccountRecord> {
    const { crypto } = this.session;
    for (let attempt = 0; ; attempt++) {
      const next = change(this.record);
      const version = this.record.version + 1;
      const sealed = await sealRecord(crypto, next, this.session.keys().masterKey, version);
      try {
        await this.session.api.putRecord(version, sealed.encryptedData, sealed.decryptionNonce);
        this.record = { ...next, version };
        await this.device.save(this.deviceKey, sealed);
        return this.record;
      } catch (e) {
        if (!isStatus(e, 409) || attempt + 1 >= WRITE_ATTEMPTS) throw e;
        const mine = this.record;
        await this.load();
        this.record = { ...mergeRecords(this.record, mine), version: this.record.version };
      }
    }
  }
}
