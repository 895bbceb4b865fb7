import { OracleError } from "../errors/OracleError.js";
import type { VenueBalanceSource, VenueCustody } from "./VenueBalanceSource.js";
import type { VenueFill, VenueFillsSource } from "./VenueFillsSource.js";
import type { VenueTickerSource } from "./VenueTickerSource.js";

/** Thrown by the in-memory venue when told to behave as unreachable. */
export class VenueUnreachableError extends OracleError {
  static override readonly retryable: boolean = true;
  override readonly name: string = "VenueUnreachableError";
}

/** A venue held in memory: tickers, fills and equity set by a test or a simulation. */
export class InMemoryVenue implements VenueTickerSource, VenueFillsSource, VenueBalanceSource {
  readonly prices = new Map<number, bigint>();
  /** Trades per venue order id, one entry per venue trade. */
  readonly fills = new Map<string, VenueFill[]>();
  equityValue = 0n;
  custodyValue: VenueCustody = { credited: 0n, debited: 0n };
  down = false;

  constructor(
    init: {
      prices?: Iterable<[number, bigint]>;
      fills?: VenueFill[];
      equity?: bigint;
      custody?: VenueCustody;
    } = {},
  ) {
    for (const [a, p] of init.prices ?? []) this.prices.set(a, p);
    for (const f of init.fills ?? []) this.addTrade(f);
    this.equityValue = init.equity ?? 0n;
    if (init.custody) this.custodyValue = { ...init.custody };
  }

  /** Records one more venue trade of its order. */
  addTrade(f: VenueFill): void {
    const list = this.fills.get(f.venueOrderId) ?? [];
    list.push(f);
    this.fills.set(f.venueOrderId, list);
  }

  private reachable(): void {
    if (this.down) throw new VenueUnreachableError("venue unreachable");
  }

  async lastPriceE8(asset: number): Promise<bigint> {
    this.reachable();
    const p = this.prices.get(asset);
    if (p === undefined) throw new VenueUnreachableError(`no ticker for asset ${asset}`);
    return p;
  }

  async tradesForOrder(venueOrderId: string, asset: number): Promise<VenueFill[]> {
    this.reachable();
    return (this.fills.get(venueOrderId) ?? []).filter((f) => f.asset === asset);
  }

  async equity(): Promise<bigint> {
    this.reachable();
    return this.equityValue;
  }

  async custody(): Promise<VenueCustody> {
    this.reachable();
    return { ...this.custodyValue };
  }
}
