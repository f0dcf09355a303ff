// Matches a method and an encoded path against the route table; decodes `:param` segments.

import type { Route } from './api/routes.ts';

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly patterns: CompiledRoute[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      if (route.path.includes(':')) this.patterns.push({ route, segments: route.path.split('/') });
      else this.exact.set(`${route.method} ${route.path}`, route);
    }
  }

  match(method: string, path: string): RouteMatch {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const direct = this.exact.get(`${method} ${trimmed}`);
    if (direct) return { kind: 'found', route: direct, params: {} };
    const segments = trimmed.split('/');
    const allowed = new Set<string>();
    for (const [key, route] of this.exact)
      if (route.path === trimmed) allowed.add(key.split(' ')[0] as string);
    for (const compiled of this.patterns) {
      const params = matchSegments(compiled.segments, segments);
      if (!params) continue;
      if (compiled.route.method === method) return { kind: 'found', route: compiled.route, params };
      allowed.add(compiled.route.method);
    }
    return allowed.size ? { kind: 'method_not_allowed', allowed: [...allowed] } : { kind: 'not_found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith(':')) {
      if (segment === '') return undefined;
      try {
        params[expected.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}
