/** "November 2026": the UTC month an invoice or estimate is for. */
export function monthOf(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** part / whole as a percentage (0–100), from exact minor-unit strings. */
export function percentOf(partMinor: string, wholeMinor: string): number {
  const whole = BigInt(wholeMinor);
  if (whole <= 0n) return 0;
  const basisPoints = (BigInt(partMinor) * 10_000n) / whole;
  return Math.max(0, Math.min(100, Number(basisPoints) / 100));
}

/** This period's charges per deployment, summed exactly in minor units. */
export function spendByDeployment(
  lines: { deploymentId: string; amount: { minor: string } }[],
): Map<string, bigint> {
  const spend = new Map<string, bigint>();
  for (const line of lines)
    spend.set(line.deploymentId, (spend.get(line.deploymentId) ?? 0n) + BigInt(line.amount.minor));
  return spend;
}
