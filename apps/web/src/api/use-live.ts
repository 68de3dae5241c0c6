import { useEffect, useRef } from 'react';
import { useSession } from '../auth/session';

/**
 * Re-reads when the live connection came back (events may have been missed meanwhile) or the session
 * was resumed: the api's events are notifications, the facts are in the queries.
 */
export function useRereadOnReconnect(reread: () => void): void {
  const { liveEpoch } = useSession();
  const first = useRef(liveEpoch);
  const latest = useRef(reread);
  latest.current = reread;
  useEffect(() => {
    if (liveEpoch !== first.current) latest.current();
  }, [liveEpoch]);
}
