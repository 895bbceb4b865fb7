import { inspect } from "node:util";

/** What a key may do. The oracle nodes only ever get "read-only" keys. */
export type KeyRole = "trading" | "read-only";

export interface VenueCredentialFields {
  readonly apiKey: string;
  readonly secret: string;
  /** WEEX calls it the passphrase; ccxt's `password`. */
  readonly password?: string;
}

/**
 * API credentials that never print: the secrets live in private fields, and `toString`, `toJSON`
 * and `util.inspect` (console.log, error causes) show only the role and a key fingerprint.
 */
export class VenueCredentials {
  readonly #fields: VenueCredentialFields;

  constructor(
    readonly role: KeyRole,
    fields: VenueCredentialFields,
  ) {
    this.#fields = { ...fields };
  }

  /** The config keys ccxt's constructor takes. The one place the secrets leave this object. */
  ccxtConfig(): { apiKey: string; secret: string; password?: string } {
    const { apiKey, secret, password } = this.#fields;
    return password === undefined ? { apiKey, secret } : { apiKey, secret, password };
  }

  /** For the vault only. */
  fields(): VenueCredentialFields {
    return { ...this.#fields };
  }

  /** First 4 characters of the API key: enough to tell keys apart in logs. */
  get fingerprint(): string {
    return `${this.#fields.apiKey.slice(0, 4)}…`;
  }

  toString(): string {
    return `VenueCredentials(${this.role}, ${this.fingerprint})`;
  }

  toJSON(): { role: KeyRole; apiKey: string } {
    return { role: this.role, apiKey: this.fingerprint };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
