import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Provider, useQuery } from 'urql';
import { authApi } from '../api/auth-api';
import { hasSessionCookie } from '../api/cookies';
import { createGraphqlClient } from '../api/graphql-client';
import type { Role } from '../generated/graphql';
import { viewerQuery, type Viewer } from './viewer';

export type SessionStatus = 'loading' | 'signed-out' | 'signed-in';

export interface Session {
  status: SessionStatus;
  viewer?: Viewer;
  role?: Role;
  /** A signed-in session could not be refreshed: the page stays, and a sign-in dialog covers it. */
  expired: boolean;
  /** Bumps when views should re-read: the live connection came back, or the session was resumed. */
  liveEpoch: number;
  /** After signing in from the sign-in page: start over with a fresh client (nothing cached). */
  signedIn: () => void;
  /**
   * After signing in again in the expiry dialog. The same person keeps the page as it is (forms included)
   * and its views re-read; someone else starts over.
   */
  resumed: (userId: string) => void;
  signOut: () => Promise<void>;
  switchOrganization: (organizationId: string) => Promise<void>;
  /** Re-reads who the viewer is (their role may have changed). */
  reloadViewer: () => void;
}

/** Exported for tests, which provide a session of their choosing. */
export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** The signed-in viewer; only for views under the signed-in layout. */
export function useViewer(): Viewer {
  const { viewer } = useSession();
  if (!viewer) throw new Error('useViewer without a signed-in viewer');
  return viewer;
}

/** A promise resolved from outside (when the person has signed in again), renewed each time it opens. */
function createGate() {
  const make = () => {
    let open = () => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { promise, open };
  };
  let current = make();
  return {
    wait: () => current.promise,
    open: () => {
      current.open();
      current = make();
    },
  };
}

/**
 * One GraphQL client (and live socket) per signed-in identity: a new one after signing in, signing out or
 * switching organization, so nothing cached for one organization is ever shown in another.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [generation, setGeneration] = useState(0);
  const [expired, setExpired] = useState(false);
  const [liveEpoch, setLiveEpoch] = useState(0);
  const signedInBefore = useRef(false);
  const [signedInAgain] = useState(createGate);

  const graphql = useMemo(
    () =>
      createGraphqlClient({
        onSessionExpired: () => {
          if (signedInBefore.current) setExpired(true);
        },
        onReconnected: () => setLiveEpoch((epoch) => epoch + 1),
        untilSignedInAgain: signedInAgain.wait,
      }),
    // A new client per generation is the point of `generation`; the gate's `wait` is stable.
    [generation],
  );
  useEffect(() => () => graphql.dispose(), [graphql]);

  const restart = useCallback(() => {
    setExpired(false);
    signedInAgain.open();
    setGeneration((value) => value + 1);
  }, [signedInAgain]);
  const resume = useCallback(() => {
    setExpired(false);
    signedInAgain.open();
    setLiveEpoch((epoch) => epoch + 1);
  }, [signedInAgain]);

  return (
    <Provider value={graphql.client}>
      <ViewerLoader
        key={generation}
        expired={expired}
        liveEpoch={liveEpoch}
        restart={restart}
        resume={resume}
        signedInBeforeRef={signedInBefore}
      >
        {children}
      </ViewerLoader>
    </Provider>
  );
}

function ViewerLoader(props: {
  children: ReactNode;
  expired: boolean;
  liveEpoch: number;
  restart: () => void;
  resume: () => void;
  signedInBeforeRef: { current: boolean };
}) {
  const { expired, liveEpoch, restart, resume, signedInBeforeRef } = props;
  // Without the session's CSRF cookie there is no session to ask about.
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: viewerQuery,
    pause: !hasSessionCookie(),
    requestPolicy: 'network-only',
  });
  const viewer = data?.me;
  const status: SessionStatus = viewer
    ? 'signed-in'
    : fetching && !error && hasSessionCookie()
      ? 'loading'
      : 'signed-out';
  signedInBeforeRef.current = status === 'signed-in' || (signedInBeforeRef.current && status === 'loading');

  const session = useMemo<Session>(
    () => ({
      status,
      viewer,
      role: viewer?.role,
      expired,
      liveEpoch,
      signedIn: restart,
      resumed: (userId: string) => {
        if (userId !== viewer?.user.id) {
          restart();
          return;
        }
        resume();
        reexecute({ requestPolicy: 'network-only' });
      },
      signOut: async () => {
        await authApi.logout().catch(() => undefined); // signed out either way
        restart();
      },
      switchOrganization: async (organizationId: string) => {
        await authApi.switchOrganization(organizationId);
        restart();
      },
      reloadViewer: () => reexecute({ requestPolicy: 'network-only' }),
    }),
    [status, viewer, expired, liveEpoch, restart, resume, reexecute],
  );
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}
