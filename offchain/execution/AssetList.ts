import { ConfigError } from "../engine/errors.js";
import { MAX_ASSETS } from "../protocol/targets.js";

/** One risk-policy asset and the venue market it trades on. */
export interface ListedAsset {
  /** Risk-policy asset index: the lane in packed targets, `asset` in a fill. */
  readonly index: number;
  /** Venue symbol, e.g. "BTC/USDT". */
  readonly symbol: string;
}

/**
 * The deployment's asset list as the engine needs it: index ↔ venue symbol, both ways.
 *
 * @example
 * const assets = AssetList.fromDeployment(JSON.parse(readFileSync("deployments/localhost.json", "utf8")), "USDT");
 */
export class AssetList {
  private readonly byIndex = new Map<number, string>();
  private readonly bySymbol = new Map<string, number>();

  constructor(assets: readonly ListedAsset[]) {
    for (const a of assets) {
      if (!Number.isInteger(a.index) || a.index < 0 || a.index >= MAX_ASSETS)
        throw new ConfigError(`asset index ${a.index} is outside 0..${MAX_ASSETS - 1}`);
      if (this.byIndex.has(a.index) || this.bySymbol.has(a.symbol))
        throw new ConfigError(`asset ${a.index} (${a.symbol}) is listed twice`);
      this.byIndex.set(a.index, a.symbol);
      this.bySymbol.set(a.symbol, a.index);
    }
  }

  /**
   * From `deployments/<network>.json` (`assets[]`: index, symbol): a policy symbol "BTC" becomes
   * the venue market "BTC/<quote>"; a symbol that already names a pair is kept.
   */
  static fromDeployment(
    deployment: { assets: readonly { index: number; symbol: string }[] },
    quote: string,
  ): AssetList {
    return new AssetList(
      deployment.assets.map((a) => ({
        index: a.index,
        symbol: a.symbol.includes("/") ? a.symbol : `${a.symbol}/${quote}`,
      })),
    );
  }

  symbolOf(index: number): string | undefined {
    return this.byIndex.get(index);
  }

  indexOf(symbol: string): number | undefined {
    return this.bySymbol.get(symbol);
  }

  get symbols(): string[] {
    return [...this.bySymbol.keys()].sort();
  }

  get entries(): ListedAsset[] {
    return [...this.byIndex].sort((a, b) => a[0] - b[0]).map(([index, symbol]) => ({ index, symbol }));
  }
}
