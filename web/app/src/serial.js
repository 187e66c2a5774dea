// One run at a time, none asked for lost.

/**
 * Returns a function that runs `work` one at a time. A call made while a run
 * is under way, at any point of it up to its very end, asks for exactly one
 * more run after it (calls in the meantime coalesce); the returned promise of
 * such a call resolves at once. `work` handles its own errors: one that
 * escapes ends the runs and is passed to the first caller.
 */
export function oneAtATime(work) {
  let running = false;
  let asked = false;
  return async function run() {
    if (running) { asked = true; return; }
    running = true;
    try {
      // No await between the check of `asked` and `running = false`: a call
      // cannot land between them unheard.
      do {
        asked = false;
        await work();
      } while (asked);
    } finally {
      running = false;
    }
  };
}
