// fast-check's `gen()` as a small drawing API: every choice the generators make is a fast-check draw, so a seed
// replays a run exactly and fast-check can shrink a failing operation towards a minimal one.
import fc from "fast-check";

export class Draw {
  constructor(private readonly g: fc.GeneratorValue) {}

  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }

  chance(probability: number): boolean {
    // Shrinks towards 0, so towards "not taken": a shrunk case keeps only the twists it needs.
    return this.int(0, 999) >= 1000 - probability * 1000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Any UTF-16 text, lone surrogates included (what a JSON body can carry as \ud800). */
  text(maxLength: number): string {
    return this.g(fc.string, { unit: "binary", maxLength });
  }

  word(): string {
    return this.g(fc.stringMatching, /^[a-z][a-zA-Z0-9]{0,8}$/);
  }
}
