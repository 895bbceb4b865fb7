import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "./errors.js";
import { RUN_ID_PATTERN } from "./RunDirectories.js";

/** The card fields every listing shows; the full card (`model-card.json`) is returned as written. */
export interface ModelCardSummary {
  readonly id: string;
  readonly name: string | null;
  readonly kind: string | null;
  readonly versionHash: string | null;
  readonly featuresVersion: string | null;
  readonly validated: boolean;
}

const CARD = "model-card.json";

/**
 * Model artefact directories under one root (`artefacts/` by default, as `sigil train --out`
 * writes them), each with a `model-card.json`. Cards are re-read only when their file changes.
 */
export class ModelCards {
  private readonly cache = new Map<string, { stamp: string; card: Record<string, unknown> | null }>();

  constructor(readonly root: string) {}

  private read(id: string): Record<string, unknown> | null {
    const path = join(this.root, id, CARD);
    let stamp: string;
    try {
      const s = statSync(path);
      stamp = `${s.mtimeMs}:${s.size}`;
    } catch {
      return null;
    }
    const hit = this.cache.get(id);
    if (hit?.stamp === stamp) return hit.card;
    let card: Record<string, unknown> | null = null;
    try {
      const v: unknown = JSON.parse(readFileSync(path, "utf8"));
      card = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      card = null;
    }
    this.cache.set(id, { stamp, card });
    return card;
  }

  list(): ModelCardSummary[] {
    if (!existsSync(this.root)) return [];
    const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && RUN_ID_PATTERN.test(d.name))
      .map((d) => d.name)
      .sort()
      .flatMap((id) => {
        const c = this.read(id);
        if (!c) return [];
        return [
          {
            id,
            name: str(c.name),
            kind: str(c.kind),
            versionHash: str(c.versionHash),
            featuresVersion: str(c.featuresVersion),
            validated: c.validation !== null && c.validation !== undefined,
          },
        ];
      });
  }

  get(id: string): Record<string, unknown> {
    const c = RUN_ID_PATTERN.test(id) ? this.read(id) : null;
    if (!c) throw new NotFoundError("MODEL_NOT_FOUND", `no artefact directory "${id}" with a ${CARD}`);
    return c;
  }
}
