/**
 * The part of a ccxt `Exchange` that `CcxtVenue` uses, typed loosely enough that a real
 * `ccxt.weex` (cast once in `createCcxtExchange`) and a test double both satisfy it.
 */
export interface CcxtMarketLike {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly spot?: boolean;
  readonly active?: boolean | undefined;
  readonly precision: { readonly amount?: number | undefined };
  readonly limits: {
    readonly amount?: { readonly min?: number | undefined };
    readonly cost?: { readonly min?: number | undefined };
  };
}

export interface CcxtOrderLike {
  readonly id: string;
  readonly clientOrderId?: string | undefined;
  readonly symbol: string;
  readonly side: string;
  readonly type?: string | undefined;
  readonly amount?: number | undefined;
  readonly filled?: number | undefined;
  readonly price?: number | undefined;
  readonly status?: string | undefined;
  readonly timestamp?: number | undefined;
}

export interface CcxtTradeLike {
  readonly id?: string | undefined;
  readonly order?: string | undefined;
  readonly symbol?: string | undefined;
  readonly side: string;
  readonly amount?: number | undefined;
  readonly price?: number | undefined;
  readonly fee?: { readonly cost?: number | undefined; readonly currency?: string | undefined } | undefined;
  readonly timestamp?: number | undefined;
  readonly info?: unknown;
}

export interface CcxtBookLike {
  readonly bids: readonly (readonly (number | undefined)[])[];
  readonly asks: readonly (readonly (number | undefined)[])[];
  readonly timestamp?: number | undefined;
}

/** One ledger (bill) entry as ccxt's `fetchLedger` parses it. */
export interface CcxtLedgerEntryLike {
  readonly id?: string | undefined;
  readonly timestamp?: number | undefined;
  readonly direction?: string | undefined;
  readonly type?: string | undefined;
  readonly currency?: string | undefined;
  readonly amount?: number | undefined;
}

export interface CcxtExchangeLike {
  readonly id: string;
  options: Record<string, unknown>;
  last_response_headers?: Record<string, string> | undefined;
  /** ccxt's wall clock (what it signs with). */
  milliseconds?(): number;
  loadMarkets(): Promise<Record<string, CcxtMarketLike>>;
  fetchTime(): Promise<number | undefined>;
  fetchBalance(): Promise<{ readonly total?: Record<string, number | undefined> | undefined }>;
  fetchTickers(symbols?: string[]): Promise<Record<string, { readonly last?: number | undefined }>>;
  fetchOrderBook(symbol: string, limit?: number): Promise<CcxtBookLike>;
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrderLike>;
  fetchOrder(
    id: string | undefined,
    symbol?: string,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrderLike>;
  fetchOpenOrders(symbol?: string): Promise<CcxtOrderLike[]>;
  fetchMyTrades(symbol?: string, since?: number): Promise<CcxtTradeLike[]>;
  cancelOrder(id: string | undefined, symbol?: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchLedger?(
    code?: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtLedgerEntryLike[]>;
  close?(): Promise<unknown>;
}
