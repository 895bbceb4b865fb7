import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { VenueBalanceSource, VenueCustody } from "./VenueBalanceSource.js";
import type { VenueFill, VenueFillsSource } from "./VenueFillsSource.js";
import type { VenueTickerSource } from "./VenueTickerSource.js";

const int = z.union([z.string().regex(/^-?\d+$/), z.number().int().safe()]).transform((v) => BigInt(v));

const fileSchema = z
  .object({
    prices: z.record(z.string().regex(/^\d+$/), int),
    fills: z
      .array(
        z
          .object({
            venueOrderId: z.string(),
            clientOrderId: z.string(),
            asset: z.number().int(),
            quantityE8: int,
            priceE8: int,
            feeE8: int,
            timestamp: int,
          })
          .strict(),
      )
      .default([]),
    equity: int,
    /** Cumulative custody credited to / debited from the account (token units). */
    custody: z.object({ credited: int, debited: int }).strict(),
  })
  .strict();

/**
 * A simulated venue read from a JSON file on every query (prices per asset index, fills — one per
 * venue trade, in on-chain units —, equity and custody transfers),
 * for local runs and multi-process tests where the venue simulator writes the file. Not for live.
 */
export class JsonFileVenue implements VenueTickerSource, VenueFillsSource, VenueBalanceSource {
  constructor(private readonly path: string) {}

  private async read() {
    return fileSchema.parse(JSON.parse(await readFile(this.path, "utf8")));
  }

  async lastPriceE8(asset: number): Promise<bigint> {
    const p = (await this.read()).prices[String(asset)];
    if (p === undefined) throw new Error(`no ticker for asset ${asset}`);
    return p;
  }

  /** Every entry of the file for the order on `asset` (the file holds one entry per venue trade). */
  async tradesForOrder(venueOrderId: string, asset: number): Promise<VenueFill[]> {
    return (await this.read()).fills.filter((f) => f.venueOrderId === venueOrderId && f.asset === asset);
  }

  async equity(): Promise<bigint> {
    return (await this.read()).equity;
  }

  async custody(): Promise<VenueCustody> {
    return (await this.read()).custody;
  }
}
