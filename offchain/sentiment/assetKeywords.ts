/**
 * Keywords that tie a headline to an asset. Names match case-insensitively on word boundaries;
 * tickers match only in capitals ("ETH", not "eth" inside prose). Multi-word names that contain
 * another asset's name ("Bitcoin Cash", "Ethereum Classic") are matched first and masked, so they do
 * not also count for BTC or ETH. "Binance" (the exchange) deliberately does not map to BNB.
 */
export const ASSET_KEYWORDS: Readonly<
  Record<string, { names: readonly string[]; tickers: readonly string[] }>
> = {
  BCH: { names: ["bitcoin cash"], tickers: ["BCH"] },
  ETC: { names: ["ethereum classic"], tickers: ["ETC"] },
  BTC: { names: ["bitcoin", "bitcoins"], tickers: ["BTC", "XBT"] },
  ETH: { names: ["ethereum", "ether"], tickers: ["ETH"] },
  XRP: { names: ["ripple", "xrp"], tickers: ["XRP"] },
  LTC: { names: ["litecoin"], tickers: ["LTC"] },
  BNB: { names: ["binance coin", "bnb"], tickers: ["BNB"] },
  ADA: { names: ["cardano"], tickers: ["ADA"] },
  SOL: { names: ["solana"], tickers: ["SOL"] },
  DOGE: { names: ["dogecoin"], tickers: ["DOGE"] },
  DOT: { names: ["polkadot"], tickers: ["DOT"] },
  LINK: { names: ["chainlink"], tickers: ["LINK"] },
  AVAX: { names: ["avalanche"], tickers: ["AVAX"] },
  MATIC: { names: ["polygon"], tickers: ["MATIC"] },
  TRX: { names: ["tron"], tickers: ["TRX"] },
  XLM: { names: ["stellar"], tickers: ["XLM"] },
  XMR: { names: ["monero"], tickers: ["XMR"] },
  UNI: { names: ["uniswap"], tickers: ["UNI"] },
  ATOM: { names: ["cosmos"], tickers: ["ATOM"] },
  SHIB: { names: ["shiba inu"], tickers: ["SHIB"] },
  PAXG: { names: ["pax gold"], tickers: ["PAXG"] },
};
