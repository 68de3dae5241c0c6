import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { LoadingState } from '../components/QueryView';
import { useSession } from './session';

/** Signed-in views: a signed-out visitor is sent to sign in, and comes back here afterwards. */
export function RequireSignedIn() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <LoadingState label="Checking your session…" />;
  if (status === 'signed-out') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Only a safe, same-site path to return to after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Sign-in and sign-up: a signed-in person goes where they were heading. */
export function SignedOutOnly() {
  const { status } = useSession();
  const [params] = useSearchParams();
  if (status === 'loading') return <LoadingState label="Checking your session…" />;
  if (status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;
  return <Outlet />;
}
