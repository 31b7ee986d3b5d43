// Tracks the enclosing headings while walking a document in order.
export class HeadingTrail {
  private readonly stack: { level: number; title: string }[] = [];

  /** Enters a heading; returns the path including it. */
  enter(level: number, title: string): string[] {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level >= level) this.stack.pop();
    this.stack.push({ level, title });
    return this.path();
  }

  path(): string[] {
    return this.stack.map((h) => h.title);
  }
}
