import { hexOf } from "../random.js";

/**
 * Global node ids, shaped like GitHub's (`PR_kw…`): a type prefix and an opaque base64url key. The key carries
 * where the object lives, so `node(id)` is a lookup rather than a search.
 */
const PREFIXES = {
  Organization: "O",
  User: "U",
  Bot: "BOT",
  Repository: "R",
  PullRequest: "PR",
  Issue: "I",
  PullRequestReview: "PRR",
  IssueComment: "IC",
  PullRequestReviewComment: "PRRC",
  PullRequestReviewThread: "PRRT",
  ReadyForReviewEvent: "RFRE",
  Commit: "C",
  Installation: "MDEy",
  IssueType: "IT",
} as const;

export type NodeKind = keyof typeof PREFIXES;

export function nodeId(kind: NodeKind, key: string | number): string {
  return `${PREFIXES[kind]}_kw${Buffer.from(`${kind}:${key}`).toString("base64url")}`;
}

export function parseNodeId(id: string): { kind: NodeKind; key: string } | null {
  const match = /^([A-Za-z]+)_kw([A-Za-z0-9_-]+)$/.exec(id);
  if (!match) return null;
  const decoded = Buffer.from(match[2]!, "base64url").toString();
  const separator = decoded.indexOf(":");
  const kind = decoded.slice(0, separator) as NodeKind;
  if (separator < 0 || !(kind in PREFIXES) || PREFIXES[kind] !== match[1]) return null;
  return { kind, key: decoded.slice(separator + 1) };
}

/** Where a commit lives: on a repository's default branch, or on a pull request's head branch. */
export type CommitLocation =
  | { on: "branch"; repoIndex: number; index: number }
  | { on: "pull"; repoIndex: number; number: number; index: number };

/**
 * Commit shas are 40 hex digits that encode their location (masked) after a hash prefix, so any sha the server
 * ever handed out can be found again without an index of all commits; the prefix makes forged shas fail the check.
 */
export function commitSha(location: CommitLocation): string {
  const number = location.on === "pull" ? location.number : 0;
  const body =
    (location.on === "branch" ? "a" : "b") +
    hex(location.repoIndex, 4) +
    hex(number, 6) +
    hex(location.index, 6);
  const prefix = hexOf(16, "sha", body);
  return prefix + shiftHex(body, hexOf(body.length, "mask", prefix), 1) + hexOf(7, "tail", body);
}

export function locateCommit(sha: string): CommitLocation | null {
  if (!/^[0-9a-f]{40}$/.test(sha)) return null;
  const prefix = sha.slice(0, 16);
  const body = shiftHex(sha.slice(16, 33), hexOf(17, "mask", prefix), -1);
  const repoIndex = parseInt(body.slice(1, 5), 16);
  const number = parseInt(body.slice(5, 11), 16);
  const index = parseInt(body.slice(11, 17), 16);
  const location: CommitLocation =
    body[0] === "a" ? { on: "branch", repoIndex, index } : { on: "pull", repoIndex, number, index };
  return commitSha(location) === sha ? location : null;
}

/** Adds (or subtracts) a mask digit by digit, mod 16, so the encoded location does not show through. */
function shiftHex(text: string, mask: string, direction: 1 | -1): string {
  return [...text].map((digit, i) => ((parseInt(digit, 16) + direction * parseInt(mask[i]!, 16) + 16) % 16).toString(16)).join("");
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0").slice(-width);
