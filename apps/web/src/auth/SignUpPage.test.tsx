import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { SignUpPage } from './SignUpPage';

function respond(status: number, body: unknown) {
  return vi.fn((_input: RequestInfo | URL, _init?: RequestInit) =>
    Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    ),
  );
}

afterEach(() => vi.unstubAllGlobals());

function open() {
  const session = fakeSession('OWNER', { status: 'signed-out', viewer: undefined, role: undefined });
  renderPage({ route: '/sign-up', path: '/sign-up', element: <SignUpPage />, api: new FakeApi({}), session });
  return session;
}

async function fill(user: ReturnType<typeof userEvent.setup>, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    const input = screen.getByLabelText(new RegExp(`^${label}`), { selector: 'input' });
    await user.type(input, value);
  }
}

describe('sign-up', () => {
  it('sends nothing while a field breaks a rule, and says which', async () => {
    const fetch = respond(201, {});
    vi.stubGlobal('fetch', fetch);
    const user = userEvent.setup();
    open();
    await fill(user, { 'Your name': 'Ada', 'Work email': 'ada@example', Password: 'short' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Enter a valid email address, like you@company.com')).toBeInTheDocument();
    expect(screen.getByText('Enter a name for your organization')).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters')).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows the api’s reason when it refuses, as what to do', async () => {
    vi.stubGlobal(
      'fetch',
      respond(409, {
        error: {
          code: 'CONFLICT',
          reason: 'EMAIL_TAKEN',
          message: 'ada@example.com has an account.',
          requestId: 'r-1',
        },
      }),
    );
    const user = userEvent.setup();
    const session = open();
    await fill(user, {
      'Your name': 'Ada',
      'Work email': 'ada@example.com',
      'Organization name': 'Engines',
      Password: 'correct horse battery',
    });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'An account with this email exists already. Sign in instead.',
    );
    expect(screen.getByRole('alert')).toHaveTextContent('r-1');
    expect(session.signedIn).not.toHaveBeenCalled();
  });

  it('starts the session when the api accepts', async () => {
    const fetch = respond(201, {
      user: { id: 'u', email: 'ada@example.com', name: 'Ada' },
      organization: {},
      role: 'OWNER',
    });
    vi.stubGlobal('fetch', fetch);
    const user = userEvent.setup();
    const session = open();
    await fill(user, {
      'Your name': 'Ada',
      'Work email': 'ada@example.com',
      'Organization name': 'Engines',
      Password: 'correct horse battery',
    });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(session.signedIn).toHaveBeenCalled());
    expect(JSON.parse(fetch.mock.calls[0][1]?.body as string)).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      organizationName: 'Engines',
      password: 'correct horse battery',
    });
  });
});
