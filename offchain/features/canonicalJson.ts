/**
 * JSON with object keys sorted at every level, so equal content always hashes the same. Typed
 * arrays are written as plain arrays; non-finite numbers are rejected (JSON would turn them into null).
 *
 * @example
 * canonicalJson({ b: 1, a: [2, 3] }) // '{"a":[2,3],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, "$"));
}

function normalise(v: unknown, path: string): unknown {
  if (typeof v === "number") {
    if (!Number.isFinite(v))
      throw new TypeError(`canonicalJson: ${path} is ${v}; only finite numbers hash stably`);
    return v;
  }
  if (v === null || typeof v !== "object") return v;
  if (ArrayBuffer.isView(v)) return normalise(Array.from(v as unknown as ArrayLike<number>), path);
  if (Array.isArray(v)) return v.map((x, i) => normalise(x, `${path}[${i}]`));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = normalise(x, `${path}.${k}`);
  }
  return out;
}
