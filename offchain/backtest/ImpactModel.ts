/**
 * Order-book depth model for market impact. Cumulative quote depth within a fractional distance x
 * of the mid is D(x) = depthPerAdv · ADV · x^exponent, with ADV the asset's average daily quote
 * volume (depth scales with trading activity). Walking that book with a market order of notional N
 * reaches x* = (N / (depthPerAdv·ADV))^(1/exponent); the average fill sits at exponent/(exponent+1)
 * of the way, which is the impact cost as a fraction of price. exponent = 2 is the square-root law,
 * exponent = 1 a flat book (linear impact). Calibrated by `calibrateImpact` from real snapshots.
 */
export interface ImpactModel {
  readonly depthPerAdv: number;
  readonly exponent: number;
  /** Median half spread of the calibration book, as a fraction (reported; slippage covers spread). */
  readonly halfSpread: number;
  /** Where the parameters came from. */
  readonly source: string;
}

/** Impact cost fraction of trading `notional` against an asset with `adv` quote volume per day. */
export function impactFraction(model: ImpactModel, notional: number, adv: number): number {
  if (!(notional > 0)) return 0;
  if (!(adv > 0)) return 0.05; // no volume history yet: charge a punitive but finite 5 %
  const reach = Math.pow(notional / (model.depthPerAdv * adv), 1 / model.exponent);
  return Math.min(0.5, (model.exponent / (model.exponent + 1)) * reach);
}
