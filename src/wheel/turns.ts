// Work that takes turns: one at a time in this process, in the order asked. binwheel build
// --all-targets builds two targets at once so that one downloads its asset while the other
// compresses; two downloads at once, or two archive scans, would only share the network link or
// the cores, and hold twice the memory (measured: each download leaves tens of MiB of Node's read
// buffers behind until the collector runs; each scan holds its blocks and decoder).
export function takingTurns(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const turn = last.then(work);
    // The next turn waits for this one to settle, whether or not it succeeds.
    last = turn.catch(() => {});
    return turn;
  };
}
