import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson } from "./canonicalJson.js";

/**
 * keccak256 of the canonical JSON of a run-log line without `hash`; for decision records also
 * without `actualReturn` (it is filled in later by an amendment line, never by rewriting).
 */
export function hashRecord(line: Readonly<Record<string, unknown>>): string {
  const copy: Record<string, unknown> = { ...line };
  delete copy.hash;
  if (copy.kind !== "amendment") delete copy.actualReturn;
  return keccak256(toUtf8Bytes(canonicalJson(copy)));
}
