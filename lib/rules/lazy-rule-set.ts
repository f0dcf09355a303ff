// A RuleSet whose sources compile on first use: the ingest Lambda's, whose files the synth has already checked.
// A cold start answering a Stripe webhook then compiles Stripe's rules (zod, JSONata, patterns: ~7 ms a source)
// and no other source's until one of their webhooks arrives.
import type { CompiledSource, RuleSet } from './types.ts';

export interface LazySource {
  name: string;
  /** Compiles the source; throws its file's problems (a ConfigError) if it has any. */
  compile: () => CompiledSource;
}

export function lazyRuleSet(sources: readonly LazySource[]): RuleSet {
  const pending = new Map(sources.map((source) => [source.name, source.compile]));
  const compiled = new Map<string, CompiledSource>();
  const get = (name: string): CompiledSource | undefined => {
    const done = compiled.get(name);
    if (done) return done;
    const compile = pending.get(name);
    if (!compile) return undefined;
    const source = compile();
    compiled.set(name, source);
    return source;
  };
  const all = () => new Map([...pending.keys()].map((name) => [name, get(name) as CompiledSource]));
  // Names answer without compiling; anything that reads a source compiles it (iterating compiles them all).
  const view: ReadonlyMap<string, CompiledSource> = {
    get,
    has: (name) => pending.has(name),
    get size() {
      return pending.size;
    },
    keys: () => pending.keys(),
    values: () => all().values(),
    entries: () => all().entries(),
    forEach: (callback, thisArg) => {
      for (const [name, source] of all()) callback.call(thisArg, source, name, view);
    },
    [Symbol.iterator]: () => all()[Symbol.iterator](),
  };
  return { sources: view, get };
}
