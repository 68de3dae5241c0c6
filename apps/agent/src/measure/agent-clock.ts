/**
 * The agent's two clocks. Intervals (rates) are measured on the monotonic clock, which never jumps: the
 * wall clock can be stepped by NTP, and brokers' clocks (record timestamps) are other machines' clocks —
 * neither may turn an interval negative or stretch it. The wall clock only names when things were seen.
 */
export interface AgentClock {
  /** Milliseconds from an arbitrary origin, never decreasing. */
  monotonicMs(): number;
  /** Wall-clock time, for `observedAt`/`time` and interval boundaries. */
  now(): Date;
}

export const systemClock: AgentClock = {
  monotonicMs: () => performance.now(),
  now: () => new Date(),
};
