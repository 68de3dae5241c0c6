import { createHash } from 'node:crypto';

/**
 * SIMULATION. What a data-plane agent would measure on a Kafka cluster, made up — plausibly and
 * deterministically — from the deployment's spec and the clock, for deployments on the `local` engine
 * (which have no cluster to measure). Nothing here is a measurement.
 *
 * Deterministic: the events of one deployment and interval are a pure function of (deployment, interval),
 * ids included, so an interval sent twice (a retry after a lost response, a restarted simulator) carries
 * the same ids and the api counts it once.
 */

/** The usage CloudEvent the ingest endpoint takes (CloudEvents 1.0, structured JSON). */
export interface UsageCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: 'io.streamplane.usage.v1';
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: { dimension: string; value: number; key?: string };
}

export interface SimulatedDeployment {
  id: string;
  orgId: string;
  brokers: number;
  storagePerBrokerGiB: number;
}

export interface Interval {
  /** Aligned to the interval length (epoch-aligned, so every interval lies inside one UTC hour). */
  start: Date;
  seconds: number;
}

const HOUR_SECONDS = 3600;
const NANO = 1_000_000_000n;

/** Interval lengths must divide an hour, so that an hour holds whole intervals. */
export function assertIntervalSeconds(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || HOUR_SECONDS % seconds !== 0) {
    throw new Error(`the interval must be a whole number of seconds dividing 3600 (got ${seconds})`);
  }
}

/** The interval of `seconds` that ended last at `now` (the one to report). */
export function lastCompleteInterval(now: Date, seconds: number): Interval {
  const ms = seconds * 1000;
  return { start: new Date(Math.floor(now.getTime() / ms) * ms - ms), seconds };
}

export function sourceOf(deploymentId: string): string {
  return `/deployments/${deploymentId}/agent`;
}

/** The usage of one deployment over one interval, as CloudEvents. */
export function usageEvents(deployment: SimulatedDeployment, interval: Interval): UsageCloudEvent[] {
  assertIntervalSeconds(interval.seconds);
  const profile = profileOf(deployment);
  const time = interval.start.toISOString();
  const event = (dimension: string, value: number, key?: string): UsageCloudEvent => ({
    specversion: '1.0',
    // deployment (in the source) + dimension + interval start (+ the device, for distinct devices)
    id: ['sim', dimension, time, ...(key ? [key] : [])].join(':'),
    source: sourceOf(deployment.id),
    type: 'io.streamplane.usage.v1',
    subject: deployment.id,
    time,
    datacontenttype: 'application/json',
    data: key ? { dimension, value, key } : { dimension, value },
  });

  const intervalSeconds = interval.seconds;
  const bytes = Math.round(
    profile.ingressBytesPerSecond * traffic(deployment.id, interval) * intervalSeconds,
  );
  const events = [
    event('broker_hours', hourShare(BigInt(deployment.brokers), interval)),
    event(
      'storage_gb_hours',
      hourShare(BigInt(deployment.brokers) * BigInt(deployment.storagePerBrokerGiB), interval),
    ),
    event('partition_hours', hourShare(BigInt(profile.partitions), interval)),
    event('ingress_bytes', bytes),
    event('egress_bytes', Math.round(bytes * profile.fanOut)),
  ];
  for (const device of devicesReportedIn(deployment.id, profile.fleetSize, interval)) {
    events.push(event('connected_assets', 1, device));
  }
  return events;
}

/**
 * This interval's part of `perHour` units per hour, exact to 10⁻⁹ (the stored scale): the cumulative
 * amount through each interval of the hour is rounded, and an interval gets the difference, so an hour's
 * intervals add up to exactly `perHour` (3 brokers for an hour of 10-second intervals: 3, not 2.99999988).
 */
export function hourShare(perHour: bigint, interval: Interval): number {
  const perHourIntervals = BigInt(HOUR_SECONDS / interval.seconds);
  const index = BigInt(
    Math.floor((interval.start.getTime() % (HOUR_SECONDS * 1000)) / (interval.seconds * 1000)),
  );
  const through = (k: bigint) => (perHour * NANO * k + perHourIntervals / 2n) / perHourIntervals;
  const nanos = through(index + 1n) - through(index);
  // At most 9 decimals: the shortest text of this double is exactly that decimal.
  return Number(nanos) / 1e9;
}

interface Profile {
  /** Average produce rate, bytes per second. */
  ingressBytesPerSecond: number;
  /** Consumed bytes per produced byte (consumer groups reading each topic). */
  fanOut: number;
  partitions: number;
  /** Devices behind the deployment's MQTT sources, stable ids `<deployment>-device-<n>`. */
  fleetSize: number;
}

/** The deployment's made-up but stable character, from its id. */
function profileOf(deployment: SimulatedDeployment): Profile {
  const u = (what: string) => unit(deployment.id, what);
  return {
    // 0.5 to 5 MB/s per broker.
    ingressBytesPerSecond: deployment.brokers * (500_000 + u('ingress') * 4_500_000),
    fanOut: 1.2 + u('fan-out') * 2.3,
    partitions: deployment.brokers * (40 + Math.floor(u('partitions') * 60)),
    fleetSize: 20 + Math.floor(u('fleet') * 180),
  };
}

/**
 * Traffic relative to the average: a day curve (quietest around 03:00 UTC, busiest around 15:00), quieter
 * weekends, and ±15 % noise per interval.
 */
function traffic(deploymentId: string, interval: Interval): number {
  return activity(interval.start) * (0.85 + 0.3 * unit(deploymentId, 'noise', interval.start.toISOString()));
}

function activity(time: Date): number {
  const hourOfDay = time.getUTCHours() + time.getUTCMinutes() / 60;
  const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
  const weekend = time.getUTCDay() === 0 || time.getUTCDay() === 6 ? 0.7 : 1;
  return daily * weekend;
}

/**
 * The devices reported in this interval. A device is seen in an hour with a probability that follows the
 * day curve, and reported once that hour, in an interval of the hour picked by its id (so a fleet's
 * reports spread over the hour instead of arriving all at once).
 */
function devicesReportedIn(deploymentId: string, fleetSize: number, interval: Interval): string[] {
  const hourStart = new Date(Math.floor(interval.start.getTime() / 3_600_000) * 3_600_000);
  const perHour = HOUR_SECONDS / interval.seconds;
  const index = Math.floor((interval.start.getTime() - hourStart.getTime()) / (interval.seconds * 1000));
  const seenShare = Math.min(0.95, 0.45 * activity(hourStart));
  const hour = hourStart.toISOString();
  const devices: string[] = [];
  for (let n = 0; n < fleetSize; n++) {
    const device = `${deploymentId.slice(0, 8)}-device-${n}`;
    if (unit(deploymentId, 'seen', device, hour) >= seenShare) continue;
    if (Math.floor(unit(deploymentId, 'slot', device, hour) * perHour) === index) devices.push(device);
  }
  return devices;
}

/** A uniform number in [0, 1) from its inputs (a hash, so the same inputs give the same number anywhere). */
function unit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53;
}
