import type { Route } from "./types.js";

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Matches paths against GitHub-style templates (`/repos/{owner}/{repo}`); first registered wins. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      this.routes.push({ route, pattern: new RegExp(`^${source}/?$`), names });
    }
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.routes) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1]!)]));
      return { route, params };
    }
    return allowed.length > 0 ? { allowed } : null;
  }
}
