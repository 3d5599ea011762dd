import type { Service } from "../storage/models/import-status.js";
import { SERVICE_LABELS } from "./views/integrations-page.js";

/**
 * A sentence about something that happened, as parts: the page links its repositories and services and shows its
 * times in the viewer's time zone; the API takes its plain text.
 */
export type SentencePart =
  | string
  | { person: string }
  | { repository: SentenceRepository }
  | { service: Service }
  | { delivery: string }
  | { time: Date };

/** `fullName` is null for a repository Tributary has not stored; `granted`: whether the installation grants it now. */
export interface SentenceRepository {
  id: number;
  fullName: string | null;
  granted: boolean;
}

export class Sentence {
  constructor(readonly parts: readonly SentencePart[]) {}

  toString(): string {
    return this.parts.map(partText).join("");
  }

  /** The API returns the plain text. */
  toJSON(): string {
    return this.toString();
  }
}

function partText(part: SentencePart): string {
  if (typeof part === "string") return part;
  if ("person" in part) return part.person;
  if ("repository" in part) return part.repository.fullName ?? `repository ${part.repository.id}`;
  if ("service" in part) return SERVICE_LABELS[part.service];
  if ("delivery" in part) return part.delivery;
  return part.time.toISOString();
}

type Interpolation = SentencePart | Sentence | readonly SentencePart[];

/** Builds a sentence from a template: sentence`${{ person: "mona" }} re-imported ${{ repository }}`. */
export function sentence(strings: TemplateStringsArray, ...values: Interpolation[]): Sentence {
  const parts: SentencePart[] = [];
  strings.forEach((string, i) => {
    if (string) parts.push(string);
    const value = values[i];
    if (value === undefined) return;
    if (value instanceof Sentence) parts.push(...value.parts);
    else if (Array.isArray(value)) parts.push(...(value as readonly SentencePart[]));
    else parts.push(value as SentencePart);
  });
  return new Sentence(parts);
}

/** "a", "a and b", "a, b and c"; "a, b and 3 more" when `total` counts more than are given. */
export function listOf(items: readonly SentencePart[], total = items.length): SentencePart[] {
  const more = total - items.length;
  const shown: SentencePart[] = more > 0 ? [...items, `${more} more`] : [...items];
  return shown.flatMap((item, i) => (i === 0 ? [item] : [i === shown.length - 1 ? " and " : ", ", item]));
}
