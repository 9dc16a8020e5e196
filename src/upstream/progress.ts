// How a download shows its progress, once it has run for a second. On a terminal: a live line
// (log.ts keeps it below every message, one per running download) with bytes, rate and time left.
// Elsewhere (CI logs, pip -v): a plain line at every tenth of the file, or after 5 s without one.
// Then, in both, a last line with the size and the time it took. Quiet runs (-q) show none of it.
import { canDrawLive, info, liveLine, type LiveLine } from "../log.js";

export interface DownloadProgress {
  /** `bytes` received so far (fewer than before: the download started again after a retry); `of`: the size, once the server says it. */
  update(bytes: number, of?: number): void;
  /** The download is complete: the last line. */
  done(bytes: number): void;
  /** The download failed or was not needed: the live line goes, nothing more is said. */
  stop(): void;
}

/** Nothing is shown before a download has run this long: most finish sooner. */
const SILENT_FIRST_MS = 1000;
/** A plain line at least this often when the size is unknown or the download is slow. */
const PLAIN_EVERY_MS = 5000;
/** A live line is redrawn at most this often. */
const REDRAW_EVERY_MS = 100;

export function downloadProgress(name: string, total: number | undefined, now: () => number = () => performance.now(), live = canDrawLive()): DownloadProgress {
  let start = now();
  let last = -1;
  let line: LiveLine | undefined;
  let shownAt = start;
  let shownTenth = 0;
  return {
    update(bytes, of) {
      total ??= of;
      const t = now();
      if (bytes < last) {
        start = t;
        shownAt = t;
        shownTenth = 0;
      }
      last = bytes;
      if (t - start < SILENT_FIRST_MS) return;
      if (live) {
        if (line && t - shownAt < REDRAW_EVERY_MS && bytes !== total) return;
        shownAt = t;
        const text = `binwheel: ${name}  ${running(bytes, total, t - start)}`;
        if (line) line.update(text);
        else line = liveLine(text);
        return;
      }
      const tenth = total ? Math.floor((bytes / total) * 10) : 0;
      if (bytes === total || (tenth <= shownTenth && t - shownAt < PLAIN_EVERY_MS)) return;
      shownTenth = Math.max(tenth, shownTenth);
      shownAt = t;
      info(`${name}: ${running(bytes, total, t - start)}`);
    },
    done(bytes) {
      line?.close();
      line = undefined;
      const ms = now() - start;
      info(`downloaded ${name}: ${size(bytes)} in ${duration(ms)}${ms >= 1000 ? ` (${size(bytes / (ms / 1000))}/s)` : ""}`);
    },
    stop() {
      line?.close();
      line = undefined;
    },
  };
}

/** "12.3 MiB of 91.0 MiB (13%), 4.2 MiB/s, 19 s left"; without a total: "12.3 MiB, 4.2 MiB/s". */
export function running(bytes: number, total: number | undefined, ms: number): string {
  const rate = ms > 0 ? bytes / (ms / 1000) : 0;
  const speed = rate > 0 ? `, ${size(rate)}/s` : "";
  if (!total) return `${size(bytes)}${speed}`;
  const left = rate > 0 ? `, ${duration(((total - bytes) / rate) * 1000)} left` : "";
  return `${size(bytes)} of ${size(total)} (${Math.floor((bytes / total) * 100)}%)${speed}${left}`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1 << 30) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}
