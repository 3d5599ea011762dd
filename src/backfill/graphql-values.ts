import type { RepositoryTarget } from "./github-access.js";

/** An `Actor` as the queries select it: bots, mannequins and deleted ("ghost") users may lack a database id. */
export type ActorNode = { login: string; databaseId?: number | null } | null;

/** A reference by GitHub id (logins change); null when GitHub cannot say who it was. */
export const userRef = (actor: ActorNode | Record<string, never>) =>
  actor && "login" in actor && actor.databaseId ? { id: actor.databaseId, login: actor.login } : null;

export const users = (actors: Array<ActorNode | Record<string, never>>) => actors.map(userRef).filter((user) => user !== null);

/** A nested list read in one page, with its count: whole when the page held every item. */
export type CountedList<N> = { totalCount: number; nodes: N[] };

export const isWhole = (list: CountedList<unknown>) => list.nodes.length >= list.totalCount;

export const dateOrNull = (value: string | null) => (value ? new Date(value) : null);

/** What pull requests and issues share: identity, place, number, title and author. */
export function issueLikeFields(
  node: { id: string; databaseId: number; number: number; title: string; author: ActorNode },
  repo: RepositoryTarget,
) {
  return {
    githubId: node.databaseId,
    nodeId: node.id,
    repositoryId: repo.githubId,
    installationId: repo.installationId,
    number: node.number,
    title: node.title,
    author: userRef(node.author),
  };
}
