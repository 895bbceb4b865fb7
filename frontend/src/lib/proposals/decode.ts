import {
  AbiFunctionSignatureNotFoundError,
  decodeFunctionData,
  encodeFunctionData,
  formatEther,
  isAddress,
  isHex,
  size,
  slice,
  toFunctionSelector,
  type AbiFunction,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";
import { entryFor, type CatalogueEntry } from "./catalogue/index.js";
import { canonicalType, contractAt, type KnownContract } from "./contracts.js";
import { checksum, labelOf, type FormatEnv } from "./env.js";
import { addressText, selectorNames, text32, type Values } from "./fields.js";
import { roleNameOf } from "./roles.js";
import { exactUnits } from "./units.js";
import { danger, warning, type Warning } from "./warnings.js";

/** One action of a proposal as the Governor stores it. */
export interface ActionInput {
  target: string;
  value: bigint;
  data: Hex;
}

/** An argument of a call that is not a catalogue setter, in words. */
export interface RenderedArg {
  name: string;
  type: string;
  text: string;
}

/** What one action does, decoded against the Sigil ABIs. */
export interface DecodedAction {
  index: number;
  target: string;
  value: bigint;
  data: Hex;
  /** The Sigil contract at the target, if it is one. */
  contract?: KnownContract;
  /** The decoded function (also for a look-alike target, decoded against the ABI it imitates). */
  call?: { functionName: string; signature: string; args: readonly unknown[]; rendered: RenderedArg[] };
  /** The catalogue setter this is, with its arguments by field name. */
  entry?: CatalogueEntry;
  values?: Values;
  /** The generated sentence (exact, label-free: the description check compares it). */
  summary: string;
  warnings: Warning[];
}

/** What decoding needs: the known contracts, units and labels, and who proposed. */
export interface DecodeEnv extends FormatEnv {
  proposer?: Address;
}

const hex4 = (x: string) => x.slice(2, 6).toLowerCase() + x.slice(-4).toLowerCase();

/** A known address whose first and last four hex digits `address` shares, without being it. */
function lookAlike(env: DecodeEnv, address: string): { address: string; name: string } | undefined {
  const a = address.toLowerCase();
  const candidates = [
    ...Object.values(env.contracts).map((c) => ({ address: c.address as string, name: c.name })),
    ...[...env.labels].map(([addr, name]) => ({ address: addr, name })),
  ];
  return candidates.find((c) => c.address.toLowerCase() !== a && hex4(c.address) === hex4(a));
}

const canonical = (p: AbiParameter) => canonicalType(p);

/** A decoded argument in words: addresses labelled, role ids named, bytes32 text shown. */
export function renderArg(p: AbiParameter, v: unknown, env: FormatEnv): string {
  if (p.type.endsWith("]")) {
    const inner = { ...p, type: p.type.replace(/\[\d*\]$/, "") } as AbiParameter;
    return `[${(v as readonly unknown[]).map((x) => renderArg(inner, x, env)).join(", ")}]`;
  }
  if (p.type === "tuple") {
    const comps = (p as { components?: readonly AbiParameter[] }).components ?? [];
    const o = v as Record<string, unknown>;
    return `{ ${comps.map((c, i) => `${c.name ?? i}: ${renderArg(c, o[c.name ?? String(i)] ?? (v as unknown[])[i], env)}`).join(", ")} }`;
  }
  if (p.type === "address") return addressText(env, String(v));
  if (p.type === "bytes32") {
    const role = roleNameOf(String(v));
    if (role) return role;
    const t = text32(v as Hex);
    return t === v ? String(v) : `"${t}" (${String(v)})`;
  }
  if (p.type.startsWith("uint") || p.type.startsWith("int")) return exactUnits(BigInt(v as bigint), 0);
  return String(v);
}

function renderArgs(fn: AbiFunction, args: readonly unknown[], env: FormatEnv): RenderedArg[] {
  return fn.inputs.map((p, i) => ({
    name: p.name || `arg${i}`,
    type: canonical(p),
    text: renderArg(p, args[i], env),
  }));
}

/** The function of `abi` a calldata's selector names, if any. */
function functionOf(abi: readonly unknown[], data: Hex): AbiFunction | undefined {
  const selector = slice(data, 0, 4).toLowerCase();
  return (abi as AbiFunction[]).find((x) => x.type === "function" && toFunctionSelector(x) === selector);
}

/**
 * Decode one action: which Sigil contract it calls, which function with which arguments, which
 * catalogue setter that is, its summary sentence, and every finding that needs no chain read.
 */
export function decodeAction(input: ActionInput, index: number, env: DecodeEnv): DecodedAction {
  const warnings: Warning[] = [];
  const data = (isHex(input.data) ? input.data : "0x") as Hex;
  if (!isHex(input.data)) warnings.push(danger("undecodable", "The calldata is not hex."));
  if (!isAddress(input.target, { strict: false }))
    return {
      index,
      target: input.target,
      value: input.value,
      data,
      summary: `Call an invalid target ${input.target}`,
      warnings: [...warnings, danger("unknown-target", `The target "${input.target}" is not an address.`)],
    };
  const target = checksum(input.target);
  const contract = contractAt(env.contracts, target);
  const where = contract?.name ?? target;

  if (!contract) {
    const like = lookAlike(env, target);
    warnings.push(
      like
        ? danger(
            "look-alike",
            `The target ${target} looks like ${like.name} (${checksum(like.address)}) but is a different address.`,
          )
        : danger("unknown-target", `The target ${addressText(env, target)} is not a Sigil contract.`),
    );
  }
  if (input.value !== 0n)
    warnings.push(
      danger("value", `Sends ${formatEther(input.value)} ETH with the call (no Sigil setter takes ETH).`),
    );
  if (contract?.key === "timelock")
    warnings.push(
      warning(
        "timelock-self",
        "Calls the timelock itself: it changes the rules every later change passes through.",
      ),
    );

  const base = { index, target, value: input.value, data, contract };
  if (size(data) < 4) {
    const what =
      size(data) === 0
        ? "no function call (a plain transfer or the fallback)"
        : `${size(data)} bytes of calldata, too short for a function call`;
    warnings.push(danger("undecodable", `The action makes ${what}.`));
    return {
      ...base,
      summary: `Call ${where} with ${size(data) === 0 ? "no calldata" : `calldata ${data}`}`,
      warnings,
    };
  }
  const selector = slice(data, 0, 4);
  // Decode against the target's ABI; for an unknown target, against whichever Sigil ABI knows the selector.
  const abiOwner = contract ?? Object.values(env.contracts).find((c) => functionOf(c.abi, data));
  const fn = abiOwner ? functionOf(abiOwner.abi, data) : undefined;
  if (!abiOwner || !fn) {
    const elsewhere = selectorNames(env, selector);
    warnings.push(
      danger(
        "unknown-function",
        `${selector} is not a function of ${contract ? contract.name : "any Sigil contract"}${elsewhere.length ? ` (it is ${elsewhere.join(", ")})` : ""}.`,
      ),
    );
    return { ...base, summary: `Call unknown function ${selector} on ${where}`, warnings };
  }
  let args: readonly unknown[];
  try {
    args = decodeFunctionData({ abi: [fn], data }).args ?? [];
  } catch (e) {
    const why =
      e instanceof AbiFunctionSignatureNotFoundError
        ? "unknown selector"
        : (e as Error).message.split("\n")[0];
    warnings.push(danger("undecodable", `The calldata of ${fn.name} cannot be decoded (${why}).`));
    return { ...base, summary: `Call ${fn.name} on ${where} with undecodable arguments`, warnings };
  }
  const reencoded = encodeFunctionData({ abi: [fn], functionName: fn.name, args });
  if (reencoded.toLowerCase() !== data.toLowerCase())
    warnings.push(
      warning(
        "non-canonical",
        size(data) > size(reencoded)
          ? `The calldata carries ${size(data) - size(reencoded)} extra bytes after the arguments.`
          : "The calldata is not in canonical ABI form.",
      ),
    );
  const inputs = fn.inputs.map(canonical);
  const call = {
    functionName: fn.name,
    signature: `${fn.name}(${inputs.join(",")})`,
    args,
    rendered: renderArgs(fn, args, env),
  };
  const entry = contract ? entryFor(contract.key, fn.name, inputs) : undefined;
  if (!entry) {
    if (contract)
      warnings.push(
        danger(
          "not-a-setter",
          `${call.signature} is not a governance setter of ${contract.name}: the timelock would call it with all its rights.`,
        ),
      );
    return {
      ...base,
      call,
      summary: `Call ${fn.name}(${call.rendered.map((a) => a.text.replace(/ \([^)]*\)/g, "")).join(", ")}) on ${where}`,
      warnings,
    };
  }
  let values: Values;
  try {
    values = entry.fromArgs(args);
  } catch (e) {
    warnings.push(
      danger("undecodable", `The arguments of ${fn.name} are malformed: ${(e as Error).message}.`),
    );
    return { ...base, call, summary: `Call ${fn.name} on ${where}`, warnings };
  }
  for (const f of entry.fields) {
    const v = values[f.name];
    const list = f.kind.type === "address" ? [v] : f.kind.type === "addresses" ? (v as unknown[]) : [];
    for (const a of list) {
      const like = typeof a === "string" && !labelOf(env, a) ? lookAlike(env, a) : undefined;
      if (like)
        warnings.push(
          danger(
            "look-alike",
            `${f.label} ${checksum(String(a))} looks like ${like.name} (${checksum(like.address)}) but is a different address.`,
          ),
        );
    }
  }
  const problem = entry.validate?.(values);
  if (problem) warnings.push(warning("will-revert", `Will fail when executed: ${problem}.`));
  return { ...base, call, entry, values, summary: entry.summary(values, env.token), warnings };
}

/** Labels plus "the proposer" for the proposal's author. */
export function withProposer(env: FormatEnv, proposer: string | undefined): DecodeEnv {
  if (!proposer || !isAddress(proposer, { strict: false })) return env;
  const labels = new Map(env.labels);
  const a = proposer.toLowerCase();
  const had = labelOf(env, a);
  labels.set(a, had ? `${had}, the proposer` : "the proposer");
  return { ...env, labels, proposer: checksum(proposer) };
}
