import { createHash } from 'node:crypto';

/**
 * SIMULATION. The character of a `local` deployment's traffic, made up — plausibly and deterministically
 * from ids and the wall clock — for the simulated data plane (simulated-data-plane.ts). Nothing here is a
 * measurement: these numbers stand in for what a Kafka cluster and its Prometheus would show.
 */

export interface SimulatedDeployment {
  id: string;
  orgId: string;
  brokers: number;
  storagePerBrokerGiB: number;
}

export interface DeploymentProfile {
  /** Customer topics outside pipelines, and their partitions each. */
  baseTopics: number;
  partitionsPerTopic: number;
  /** Average produce rate outside pipelines, bytes per second. */
  ingressBytesPerSecond: number;
  /** Consumed bytes per produced byte. */
  fanOut: number;
  /** Average record size, bytes. */
  messageBytes: number;
}

/** The deployment's stable character, from its id and size. */
export function profileOf(deployment: SimulatedDeployment): DeploymentProfile {
  const u = (what: string) => unit(deployment.id, what);
  return {
    baseTopics: deployment.brokers * (2 + Math.floor(u('topics') * 4)),
    partitionsPerTopic: 12,
    // 0.5 to 5 MB/s per broker.
    ingressBytesPerSecond: deployment.brokers * (500_000 + u('ingress') * 4_500_000),
    fanOut: 1.2 + u('fan-out') * 2.3,
    messageBytes: 300 + Math.floor(u('message') * 900),
  };
}

/**
 * Traffic relative to the average at `time`: a day curve (quietest around 03:00 UTC, busiest around
 * 15:00) and quieter weekends.
 */
export function activity(time: Date): number {
  const hourOfDay = time.getUTCHours() + time.getUTCMinutes() / 60;
  const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
  const weekend = time.getUTCDay() === 0 || time.getUTCDay() === 6 ? 0.7 : 1;
  return daily * weekend;
}

/** Bursts: about one 5-minute slot in twelve carries two to four times the traffic. */
export function burst(seed: string, time: Date): number {
  const slot = String(Math.floor(time.getTime() / 300_000));
  return unit(seed, 'burst', slot) < 1 / 12 ? 2 + 2 * unit(seed, 'burst-size', slot) : 1;
}

/** ±15 % per 10-second slot. */
export function noise(seed: string, time: Date): number {
  return 0.85 + 0.3 * unit(seed, 'noise', String(Math.floor(time.getTime() / 10_000)));
}

/** Messages per second a pipeline's source takes in at `time` (10 to 200 on average, by pipeline). */
export function sourceMessagesPerSecond(pipelineId: string, time: Date): number {
  const base = 10 + unit(pipelineId, 'rate') * 190;
  return base * activity(time) * burst(pipelineId, time) * noise(pipelineId, time);
}

/**
 * What a stage's consumers can take relative to what arrives: a 15-minute cycle from 0.7 to 1.4, so the
 * consumer falls behind for part of it (lag grows, more so in a burst) and catches up for the rest.
 */
export function consumerCapacityFactor(seed: string, time: Date): number {
  const phase = unit(seed, 'phase') * 2 * Math.PI;
  return 1.05 + 0.35 * Math.sin((2 * Math.PI * time.getTime()) / 900_000 + phase);
}

/** Output messages per input message of a stage kind (filters drop some, dedupe drops repeats). */
export function selectivityOf(kind: string): number {
  switch (kind) {
    case 'transform.filter':
      return 0.7;
    case 'transform.dedupe':
      return 0.92;
    case 'transform.validate':
      return 0.97;
    default:
      return 1;
  }
}

/**
 * The MQTT devices a pipeline's source heard from in a window: a stable fleet per pipeline (20 to 200
 * devices, ids like MQTT client ids), each seen with a probability that follows the day curve.
 */
export function devicesSeen(pipelineId: string, windowEnd: Date, windowSeconds: number): string[] {
  const fleetSize = 20 + Math.floor(unit(pipelineId, 'fleet') * 180);
  const window = String(Math.floor(windowEnd.getTime() / (windowSeconds * 1000)));
  const share = Math.min(0.95, 0.35 * activity(windowEnd));
  const devices: string[] = [];
  for (let n = 0; n < fleetSize; n++) {
    const device = `sensor-${pipelineId.slice(0, 8)}-${String(n).padStart(4, '0')}`;
    if (unit(pipelineId, 'seen', device, window) < share) devices.push(device);
  }
  return devices;
}

/** A uniform number in [0, 1) from its inputs (a hash, so the same inputs give the same number anywhere). */
export function unit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53;
}
