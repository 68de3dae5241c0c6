import { Tooltip } from '@mantine/core';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import utc from 'dayjs/plugin/utc';

dayjs.extend(relativeTime);
dayjs.extend(utc);

export function formatDateTime(value: string | Date): string {
  return dayjs(value).format('YYYY-MM-DD HH:mm:ss');
}

/** "3 minutes ago", with the exact local time on hover and for assistive technology. */
export function RelativeTime({ value }: { value: string | null | undefined }) {
  if (!value) return <>—</>;
  const exact = formatDateTime(value);
  return (
    <Tooltip label={exact} withArrow openDelay={300}>
      <time dateTime={value} title={exact}>
        {dayjs(value).fromNow()}
      </time>
    </Tooltip>
  );
}

export function formatDuration(fromIso: string, toIso?: string | null): string {
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
