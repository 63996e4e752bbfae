/** A positive whole number from the environment (a benchmark knob), or the fallback when unset. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** The parts a benchmark runs: `BENCH_PARTS=a,b` (or another knob's name) or all of them. */
export function benchParts<T extends string>(all: readonly T[], knob = 'BENCH_PARTS'): Set<T> {
  const parts = new Set((process.env[knob] || all.join(',')).split(',').map((p) => p.trim()));
  const unknown = [...parts].filter((p) => !(all as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`${knob}: unknown part(s) ${unknown.join(', ')}; choose from ${all.join(', ')}`);
  return parts as Set<T>;
}
