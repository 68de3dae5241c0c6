import { healthOf } from './health-server';

describe('agent health', () => {
  it('is live while rounds keep starting, with a generous window for draining a long spool', () => {
    const status = { startedAtMs: 0, lastRoundStartedAtMs: 1_000_000, kafkaReachable: true };
    expect(healthOf(status, 1_000_000 + 299_000, 60).live).toBe(true);
    expect(healthOf(status, 1_000_000 + 301_000, 60).live).toBe(false);
    expect(healthOf({ startedAtMs: 0, kafkaReachable: false }, 200_000, 60)).toEqual({
      live: true,
      ready: false,
    });
  });

  it('is ready only once it has read the Kafka cluster', () => {
    expect(healthOf({ startedAtMs: 0, lastRoundStartedAtMs: 10, kafkaReachable: false }, 20, 60).ready).toBe(
      false,
    );
    expect(healthOf({ startedAtMs: 0, lastRoundStartedAtMs: 10, kafkaReachable: true }, 20, 60).ready).toBe(
      true,
    );
  });
});
