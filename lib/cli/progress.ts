// A one-line progress display for long CLI work: redrawn in place on a terminal, a line every few seconds otherwise.

export interface ProgressLine {
  label: string;
  done: number;
  total?: number;
  /** Extra figures shown after the counts, e.g. `37 changed · 37 queued`. */
  detail?: string;
}

export interface ProgressDisplay {
  update(line: ProgressLine): void;
  /** Clears the live line (on a terminal) so a summary can follow. */
  finish(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  clock?: () => number;
  /** Minimum ms between redraws (terminal) or printed lines (pipe/CI). */
  intervalMs?: number;
}

export function createProgress(options: ProgressOptions = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? Date.now;
  const tty = Boolean(stream.isTTY);
  const interval = options.intervalMs ?? (tty ? 100 : 5_000);
  // Rates are per label (e.g. per entity kind), so each phase shows its own speed and ETA.
  let startedAt = clock();
  // A phase starts when the previous one reported last, not at its own first report (which is already done work).
  let lastReport = startedAt;
  let label: string | undefined;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let pending: ProgressLine | undefined;

  const draw = (line: ProgressLine) => {
    const text = formatProgress(line, clock() - startedAt);
    if (tty) {
      stream.write(`\r\x1b[2K${text}`);
      drawn = true;
    } else {
      stream.write(`${text}\n`);
    }
  };

  return {
    update(line) {
      if (line.label !== label) {
        if (pending && !tty) draw(pending);
        label = line.label;
        startedAt = lastReport;
        last = Number.NEGATIVE_INFINITY;
      }
      pending = line;
      const now = clock();
      lastReport = now;
      if (now - last < interval) return;
      last = now;
      draw(line);
      pending = undefined;
    },
    finish() {
      if (pending && !tty) draw(pending);
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}

export function formatProgress(line: ProgressLine, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (line.done * 1000) / elapsedMs : 0;
  const parts = [line.label.padEnd(11)];
  if (line.total !== undefined && line.total > 0) {
    const share = Math.min(1, line.done / line.total);
    const width = 20;
    const filled = Math.round(share * width);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${fmt(line.done)}/${fmt(line.total)}`);
  } else {
    parts.push(fmt(line.done));
  }
  parts.push(`${fmt(Math.round(rate))}/s`);
  if (line.detail) parts.push(line.detail);
  if (line.total !== undefined && rate > 0 && line.done < line.total) {
    parts.push(`ETA ${duration((line.total - line.done) / rate)}`);
  }
  return parts.join(' · ');
}

const fmt = (n: number) => n.toLocaleString('en-US');

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
