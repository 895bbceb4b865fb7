import { catalogue, type CatalogueEntry } from "./catalogue/index.js";
import type { DecodedAction } from "./decode.js";
import { danger, info, warning, type Warning } from "./warnings.js";

/** The generated summary of a batch: each action's sentence, in order. */
export function summaryOf(actions: readonly Pick<DecodedAction, "summary">[]): string {
  return actions.map((a) => a.summary).join("; ");
}

/**
 * The description the builder proposes: the generated summary on the first line (so the decoder
 * can check it against the actions), then the proposer's reasons.
 */
export function proposalDescription(summary: string, why: string): string {
  const reason = why.trim();
  return reason ? `${summary}\n\n${reason}` : summary;
}

const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

function mentions(text: string, topic: string): boolean {
  const escaped = topic.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
  return new RegExp(`(^|[^a-z0-9])${escaped}`, "i").test(text);
}

function topicOf(e: CatalogueEntry): string {
  return e.title.toLowerCase();
}

/** How the proposer's description relates to what the actions do. */
export interface DescriptionCheck {
  /** The first line is exactly the generated summary of the actions. */
  matches: boolean;
  warnings: Warning[];
}

/**
 * Compare the description with the decoded actions. The builder's descriptions start with the
 * generated summary: that is a match. Anything else is flagged; a description that names a change
 * none of the actions makes, or that does not mention a change an action makes, is a danger.
 */
export function checkDescription(description: string, actions: readonly DecodedAction[]): DescriptionCheck {
  const summary = summaryOf(actions);
  const firstLine = description.split(/\r?\n/)[0] ?? "";
  if (actions.length > 0 && norm(firstLine) === norm(summary))
    return {
      matches: true,
      warnings: [
        info(
          "description-matches",
          "The description's first line is the generated summary of these actions.",
        ),
      ],
    };
  const out: Warning[] = [];
  const text = description.toLowerCase();
  if (!text.trim()) out.push(danger("description-missing", "The proposal has no description."));
  const inActions = new Set(actions.map((a) => a.entry).filter((e): e is CatalogueEntry => !!e));
  const actionTopics = [...inActions].flatMap((e) => e.topics);
  // Changes the description names that no action makes (topics shared with an action's entry do not count).
  const named = catalogue.filter(
    (e) =>
      !inActions.has(e) &&
      e.topics.some((t) => mentions(text, t) && !actionTopics.some((u) => u === t || mentions(u, t))),
  );
  const namedTitles = [...new Set(named.map(topicOf))];
  if (namedTitles.length)
    out.push(
      danger(
        "description-names-other",
        `The description does not match the actions: it names ${namedTitles.join(", ")}, which no action changes.`,
      ),
    );
  const unmentioned = actions.filter((a) => !a.entry || !a.entry.topics.some((t) => mentions(text, t)));
  if (unmentioned.length)
    out.push(
      danger(
        "description-missing-action",
        `The description does not mention ${unmentioned.map((a) => `action ${a.index + 1} (${a.call?.functionName ?? "an undecoded call"})`).join(", ")}.`,
      ),
    );
  if (!out.length)
    out.push(
      warning(
        "description-not-generated",
        `The description is not the generated summary of its actions ("${summary}"): read the actions, not the description.`,
      ),
    );
  return { matches: false, warnings: out };
}
