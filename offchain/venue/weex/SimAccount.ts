import { fx, fxFormat } from "./fixedPoint.js";
import type { SimAccountState } from "./SimState.js";
import { insufficientBalance } from "./WeexApiError.js";

/** What a WEEX API key is made of; ccxt calls the passphrase `password`. */
export interface ApiCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
}

export interface SimAccountConfig extends ApiCredentials {
  /** Name the owner uses for custody moves, e.g. "vault". */
  readonly name: string;
  /** Opening balances as decimal strings, e.g. { USDT: "10000" }. */
  readonly balances?: Readonly<Record<string, string>>;
}

export interface AssetBalance {
  free: bigint;
  locked: bigint;
}

/** One row of `POST /api/v3/account/bills`; amounts are signed fixed point. */
export interface Bill {
  readonly billId: string;
  readonly coinName: string;
  readonly bizType: "trade_in" | "trade_out" | "transfer_in" | "transfer_out";
  readonly fillSize: bigint;
  readonly fillValue: bigint;
  readonly deltaAmount: bigint;
  readonly afterAmount: bigint;
  readonly fees: bigint;
  readonly cTime: number;
}

/** A custody move as the owner asked for it, so venue bills can be matched to on-chain moves. */
export interface CustodyMove {
  readonly billId: string;
  readonly ref: string;
  readonly asset: string;
  readonly amount: bigint;
  readonly direction: "in" | "out";
  readonly time: number;
}

/**
 * One simulated WEEX spot account: balances (free/locked), the bills every balance change
 * writes, and the custody journal. Every mutation goes through `apply`, so each change of a
 * total leaves exactly one bill and balances never go negative.
 */
export class SimAccount {
  readonly name: string;
  readonly credentials: ApiCredentials;
  readonly uid: string;
  private readonly balances = new Map<string, AssetBalance>();
  readonly bills: Bill[] = [];
  readonly custody: CustodyMove[] = [];

  constructor(
    config: SimAccountConfig,
    uid: string,
    private readonly nextId: () => string,
  ) {
    this.name = config.name;
    this.credentials = {
      apiKey: config.apiKey,
      secret: config.secret,
      passphrase: config.passphrase,
    };
    this.uid = uid;
    for (const [asset, amount] of Object.entries(config.balances ?? {})) {
      this.balance(asset).free = fx(amount);
    }
  }

  /** The balance row for `asset`, created empty on first use. */
  balance(asset: string): AssetBalance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: 0n, locked: 0n };
      this.balances.set(asset, b);
    }
    return b;
  }

  assets(): string[] {
    return [...this.balances.keys()].sort();
  }

  /** Moves `amount` from free to locked, or answers WEEX's insufficient-balance error. */
  lock(asset: string, amount: bigint): void {
    const b = this.balance(asset);
    this.requireFree(asset, amount);
    b.free -= amount;
    b.locked += amount;
  }

  unlock(asset: string, amount: bigint): void {
    const b = this.balance(asset);
    if (amount > b.locked) throw new Error(`unlock ${asset} ${amount} > locked ${b.locked}`);
    b.locked -= amount;
    b.free += amount;
  }

  requireFree(asset: string, amount: bigint): void {
    const free = this.balance(asset).free;
    if (amount > free) throw insufficientBalance(asset, fxFormat(free, 8), fxFormat(amount));
  }

  /**
   * Changes the total of `asset` by `delta`, taken from (or added to) free or locked, and writes
   * the bill. `fees` is informational: it is already netted into `delta`.
   */
  apply(
    asset: string,
    delta: bigint,
    from: "free" | "locked",
    bill: Omit<Bill, "billId" | "coinName" | "deltaAmount" | "afterAmount">,
  ): Bill {
    const b = this.balance(asset);
    if (b[from] + delta < 0n) {
      throw insufficientBalance(asset, fxFormat(b[from], 8), fxFormat(-delta));
    }
    b[from] += delta;
    const row: Bill = {
      ...bill,
      billId: this.nextId(),
      coinName: asset,
      deltaAmount: delta,
      afterAmount: b.free + b.locked,
    };
    this.bills.push(row);
    return row;
  }

  /** Balances, bills and custody journal as plain JSON (no credentials). */
  exportState(): SimAccountState {
    return {
      name: this.name,
      uid: this.uid,
      balances: Object.fromEntries(
        this.assets().map((asset) => {
          const b = this.balance(asset);
          return [asset, { free: fxFormat(b.free), locked: fxFormat(b.locked) }];
        }),
      ),
      bills: this.bills.map((b) => ({
        billId: b.billId,
        coinName: b.coinName,
        bizType: b.bizType,
        fillSize: fxFormat(b.fillSize),
        fillValue: fxFormat(b.fillValue),
        deltaAmount: fxFormat(b.deltaAmount),
        afterAmount: fxFormat(b.afterAmount),
        fees: fxFormat(b.fees),
        cTime: b.cTime,
      })),
      custody: this.custody.map((m) => ({ ...m, amount: fxFormat(m.amount) })),
    };
  }

  /**
   * Replaces balances, bills and custody journal with a saved state's (validated by
   * `parseSimState`). Only for an account that has done nothing yet.
   */
  restoreState(s: SimAccountState): void {
    if (this.bills.length > 0 || this.custody.length > 0) {
      throw new Error(`account "${this.name}" already has activity: restore before trading`);
    }
    this.balances.clear();
    for (const [asset, b] of Object.entries(s.balances)) {
      this.balances.set(asset, { free: fx(b.free), locked: fx(b.locked) });
    }
    for (const b of s.bills) {
      this.bills.push({
        ...b,
        fillSize: fx(b.fillSize),
        fillValue: fx(b.fillValue),
        deltaAmount: fx(b.deltaAmount),
        afterAmount: fx(b.afterAmount),
        fees: fx(b.fees),
      });
    }
    for (const m of s.custody) this.custody.push({ ...m, amount: fx(m.amount) });
  }

  /** Custody deposit into the account (the vault moved funds to the venue). */
  credit(asset: string, amount: bigint, ref: string, time: number): CustodyMove {
    return this.custodyMove(asset, amount, ref, time, "in");
  }

  /** Custody withdrawal from the account (funds returned to the vault); fails when not free. */
  debit(asset: string, amount: bigint, ref: string, time: number): CustodyMove {
    return this.custodyMove(asset, amount, ref, time, "out");
  }

  private custodyMove(
    asset: string,
    amount: bigint,
    ref: string,
    time: number,
    direction: "in" | "out",
  ): CustodyMove {
    if (amount <= 0n) throw new RangeError(`custody amount must be positive, got ${fxFormat(amount)}`);
    const bill = this.apply(asset, direction === "in" ? amount : -amount, "free", {
      bizType: direction === "in" ? "transfer_in" : "transfer_out",
      fillSize: 0n,
      fillValue: 0n,
      fees: 0n,
      cTime: time,
    });
    const move: CustodyMove = { billId: bill.billId, ref, asset, amount, direction, time };
    this.custody.push(move);
    return move;
  }
}
