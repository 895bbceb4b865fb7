import { z } from "zod/v4";
import { SigilError, type SigilErrorOptions } from "../../errors/SigilError.js";
import { fx } from "./fixedPoint.js";

/** The state-file format this build writes and reads. */
export const SIM_STATE_VERSION = 1;

const FRESH_HINT =
  "Delete the state file to start the simulated venue from its configured opening balances " +
  "(npm start --fresh wipes the whole run state).";

/**
 * A simulator state that cannot be restored: not JSON, the wrong shape or version, internally
 * inconsistent, or not matching the simulator's options (seed, markets, accounts). Fatal: fix
 * or delete the state file; the message says which.
 */
export class SimStateError extends SigilError {
  override readonly name: string = "SimStateError";

  constructor(message: string, options: SigilErrorOptions = {}) {
    const hint = options.hint ?? FRESH_HINT;
    super(`${message}. ${hint}`, { ...options, hint });
  }
}

/** Fixed point as exact decimal text (`fxFormat`), e.g. "97123.4567". */
const decimal = z.string().regex(/^-?\d+(\.\d{1,18})?$/, 'a decimal string such as "-12.5"');
const amount = z.string().regex(/^\d+(\.\d{1,18})?$/, 'a non-negative decimal string such as "12.5"');
/** Order, fill and bill ids: the simulator's 18-digit counter ids. */
const id = z.string().regex(/^\d{1,30}$/, "a numeric id string");
const time = z.number().int().nonnegative();
const side = z.enum(["BUY", "SELL"]);

const BillSchema = z.strictObject({
  billId: id,
  coinName: z.string().min(1),
  bizType: z.enum(["trade_in", "trade_out", "transfer_in", "transfer_out"]),
  fillSize: amount,
  fillValue: amount,
  deltaAmount: decimal,
  afterAmount: amount,
  fees: amount,
  cTime: time,
});

const CustodyMoveSchema = z.strictObject({
  billId: id,
  ref: z.string(),
  asset: z.string().min(1),
  amount,
  direction: z.enum(["in", "out"]),
  time,
});

/** An account without its credentials: those come from the simulator's options only. */
const AccountSchema = z.strictObject({
  name: z.string().min(1),
  uid: z.string().regex(/^\d+$/, "a numeric uid string"),
  balances: z.record(z.string().min(1), z.strictObject({ free: amount, locked: amount })),
  bills: z.array(BillSchema),
  custody: z.array(CustodyMoveSchema),
});

const OrderSchema = z.strictObject({
  orderId: id,
  clientOrderId: z.string().min(1),
  /** Account name. */
  account: z.string().min(1),
  /** Market id, e.g. "ETHUSDT". */
  symbol: z.string().min(1),
  side,
  type: z.enum(["LIMIT", "MARKET"]),
  timeInForce: z.enum(["GTC", "IOC", "FOK"]),
  price: amount,
  origQty: amount,
  executedQty: amount,
  cumQuote: amount,
  status: z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED"]),
  time,
  updateTime: time,
  locked: amount,
  refPrice: z.number(),
  evaluatedUntil: time,
});

const FillSchema = z.strictObject({
  id,
  orderId: id,
  price: amount,
  qty: amount,
  quote: amount,
  commission: amount,
  isMaker: z.boolean(),
  time,
});

/** Book liquidity taken by taker orders in the current market second (gone on the next one). */
const BookSchema = z.strictObject({
  second: z.number().int().min(-1),
  taken: z.array(z.strictObject({ symbol: z.string().min(1), side, price: amount, qty: amount })),
});

const WeexSimStateSchema = z.strictObject({
  version: z.literal(SIM_STATE_VERSION),
  /** The seed the ids were drawn with; a restore needs the same one. */
  seed: z.number().int(),
  /** The last id handed out (counter value, not the 18-digit id). */
  idCounter: z.string().regex(/^\d+$/, "a non-negative integer string"),
  accounts: z.array(AccountSchema),
  orders: z.array(OrderSchema),
  fills: z.array(FillSchema),
  book: BookSchema,
});

/**
 * Everything about a `WeexSimulator` that is not a function of the replayed candles, the clock
 * and the seed: accounts (balances, bills, custody journal), orders, fills, the book liquidity
 * taken this second and the id counter. Plain JSON: amounts are exact decimal strings, fills
 * name their order by `orderId`, orders their account by name and market by symbol id.
 * Credentials are never part of it.
 */
export type WeexSimState = z.infer<typeof WeexSimStateSchema>;
export type SimAccountState = WeexSimState["accounts"][number];
export type SimOrderState = WeexSimState["orders"][number];
export type SimFillState = WeexSimState["fills"][number];
export type SimBookState = WeexSimState["book"];

/**
 * Validates a parsed state file: version, shape (unknown keys are errors) and the links and sums
 * that must hold between its parts. Throws `SimStateError` saying what is wrong.
 *
 * @example
 * const state = parseSimState(JSON.parse(readFileSync(path, "utf8")), path);
 */
export function parseSimState(json: unknown, source = "simulator state"): WeexSimState {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new SimStateError(`${source} is not a WEEX simulator state: expected a JSON object`);
  }
  const version = (json as { version?: unknown }).version;
  if (version === undefined) {
    throw new SimStateError(`${source} is not a WEEX simulator state: it has no "version" field`);
  }
  if (version !== SIM_STATE_VERSION) {
    throw new SimStateError(
      `${source} has state version ${JSON.stringify(version)}; this simulator reads version ${SIM_STATE_VERSION}`,
    );
  }
  const r = WeexSimStateSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`);
    const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : "";
    throw new SimStateError(`${source} is malformed: ${issues.join("; ")}${more}`);
  }
  checkConsistency(r.data, source);
  return r.data;
}

/** The links and sums a state written by `exportState` always satisfies. */
function checkConsistency(s: WeexSimState, source: string): void {
  const fail = (what: string): never => {
    throw new SimStateError(`${source} is inconsistent: ${what}`);
  };
  const ids = new Set<string>();
  const unique = (kind: string, v: string): void => {
    if (ids.has(v)) fail(`id ${v} (${kind}) is used twice`);
    ids.add(v);
  };

  const accounts = new Set<string>();
  const uids = new Set<string>();
  for (const a of s.accounts) {
    if (accounts.has(a.name)) fail(`account "${a.name}" appears twice`);
    if (uids.has(a.uid)) fail(`uid ${a.uid} appears twice`);
    accounts.add(a.name);
    uids.add(a.uid);
    const bills = new Map(a.bills.map((b) => [b.billId, b]));
    for (const b of a.bills) unique("bill", b.billId);
    const last = new Map(a.bills.map((b) => [b.coinName, b.afterAmount]));
    for (const [asset, after] of last) {
      const b = Object.hasOwn(a.balances, asset) ? a.balances[asset] : undefined;
      if (!b || fx(b.free) + fx(b.locked) !== fx(after)) {
        fail(`the ${asset} balance of "${a.name}" is not what its last bill left (${after})`);
      }
    }
    for (const m of a.custody) {
      const bill = bills.get(m.billId);
      if (!bill || bill.bizType !== (m.direction === "in" ? "transfer_in" : "transfer_out")) {
        fail(`custody move ${m.ref} of "${a.name}" names no ${m.direction} transfer bill ${m.billId}`);
      }
    }
  }

  const orders = new Map<string, SimOrderState>();
  const clientIds = new Set<string>();
  for (const o of s.orders) {
    unique("order", o.orderId);
    orders.set(o.orderId, o);
    if (!accounts.has(o.account)) fail(`order ${o.orderId} belongs to unknown account "${o.account}"`);
    const cid = `${o.account}\u0000${o.clientOrderId}`;
    if (clientIds.has(cid)) fail(`client order id "${o.clientOrderId}" is used twice by "${o.account}"`);
    clientIds.add(cid);
    const [orig, done, locked] = [fx(o.origQty), fx(o.executedQty), fx(o.locked)];
    if (orig === 0n || done > orig)
      fail(`order ${o.orderId} has executedQty ${o.executedQty} of ${o.origQty}`);
    const open = o.status === "NEW" || o.status === "PARTIALLY_FILLED";
    if (!open && locked !== 0n) fail(`order ${o.orderId} is ${o.status} but still locks ${o.locked}`);
    if ((o.status === "FILLED") !== (done === orig)) {
      fail(`order ${o.orderId} is ${o.status} with executedQty ${o.executedQty} of ${o.origQty}`);
    }
    if (o.status === "NEW" && done !== 0n)
      fail(`order ${o.orderId} is NEW with executedQty ${o.executedQty}`);
  }

  const filled = new Map<string, { qty: bigint; quote: bigint }>();
  for (const f of s.fills) {
    unique("fill", f.id);
    if (!orders.has(f.orderId)) fail(`fill ${f.id} names unknown order ${f.orderId}`);
    const sum = filled.get(f.orderId) ?? { qty: 0n, quote: 0n };
    filled.set(f.orderId, { qty: sum.qty + fx(f.qty), quote: sum.quote + fx(f.quote) });
  }
  for (const o of s.orders) {
    const sum = filled.get(o.orderId) ?? { qty: 0n, quote: 0n };
    if (sum.qty !== fx(o.executedQty) || sum.quote !== fx(o.cumQuote)) {
      fail(`the fills of order ${o.orderId} do not add up to its executedQty and cumQuote`);
    }
  }
}
