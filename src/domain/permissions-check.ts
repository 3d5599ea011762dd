/** What app.yml asks for (`default_permissions`); a test keeps the two equal. */
export const REQUIRED_PERMISSIONS: Readonly<Record<string, string>> = {
  metadata: "read",
  contents: "read",
  pull_requests: "read",
  issues: "read",
  members: "read",
};

const LEVELS = ["none", "read", "write", "admin"];

const rank = (level: string | undefined) => Math.max(0, LEVELS.indexOf(level ?? "none"));

/**
 * Required permissions the installation does not grant (yet), as "name: level". An owner has to accept a
 * permission request on GitHub before an installation's grant catches up with the app's requirements.
 */
export function missingPermissions(granted: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(REQUIRED_PERMISSIONS)
    .filter(([name, level]) => rank(granted[name]) < rank(level))
    .map(([name, level]) => `${name}: ${level}`);
}
