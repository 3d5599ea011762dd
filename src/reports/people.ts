/** A person as reports name them: by GitHub id (logins change), with the login last seen for display. */
export interface Person {
  id: number;
  login: string;
}

/** GitHub Apps act as "<name>[bot]" accounts; reports show them apart from people. */
export const isBot = (person: Person | null | undefined): boolean => person?.login.endsWith("[bot]") ?? false;

export const personOf = (ref: { id: number; login: string } | null | undefined): Person | null => (ref ? { id: ref.id, login: ref.login } : null);
