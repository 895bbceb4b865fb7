import { SingleBar, Presets } from "cli-progress";
import type { CliIo } from "./CliIo.js";

/** A progress callback that draws a bar on a TTY and does nothing otherwise. */
export function progress(
  io: CliIo,
  label: string,
): { update: (done: number, total: number) => void; stop: () => void } {
  if (!io.isTty) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}`,
      stream: process.stderr,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
