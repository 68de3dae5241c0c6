import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { closeServer, startFakeServer, type FakeRequest, type FakeResponse } from './fake-http-server';

/**
 * A stand-in for AWS STS for tests: the query API (`Action=AssumeRole` / `GetCallerIdentity`, form-encoded
 * POSTs answered in XML) on 127.0.0.1, with roles, trust (external ids) and sessions of its own. It reads
 * the SigV4 Authorization header's access key (it does not check signatures) so that a test can tell whose
 * credentials made each call. Not for production use.
 */
export interface FakeAwsRole {
  roleArn: string;
  /** The external id the role's trust policy requires. */
  externalId: string;
  /** The account GetCallerIdentity reports for its sessions: the ARN's own unless set (a "wrong account"). */
  reportsAccount?: string;
}

export interface FakeStsCall {
  action: string;
  /** The access key id that signed the request. */
  accessKeyId: string | undefined;
  securityToken: string | undefined;
  params: Record<string, string>;
}

/** Temporary credentials the fake handed out, so a test can follow them to where they were used. */
export interface FakeIssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  sessionName: string;
}

interface FakeSession {
  role: FakeAwsRole;
  secretAccessKey: string;
  sessionToken: string;
  sessionName: string;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class FakeAwsSts {
  readonly roles = new Map<string, FakeAwsRole>();
  readonly calls: FakeStsCall[] = [];
  readonly issued: FakeIssuedSession[] = [];
  /** Answer AssumeRole with RegionDisabledException. */
  regionDisabled = false;
  private readonly sessions = new Map<string, FakeSession>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** The access key id Streamplane's own calls must be signed with. */
    readonly callerAccessKeyId: string,
    readonly callerArn: string,
  ) {}

  static async start(callerAccessKeyId = 'FAKE-KEY-STREAMPLANE-01'): Promise<FakeAwsSts> {
    const holder: { fake?: FakeAwsSts } = {};
    const { server, url } = await startFakeServer((request) => holder.fake!.handle(request));
    holder.fake = new FakeAwsSts(
      server,
      url,
      callerAccessKeyId,
      'arn:aws:iam::999999999999:user/streamplane',
    );
    return holder.fake;
  }

  addRole(role: FakeAwsRole): this {
    this.roles.set(role.roleArn, role);
    return this;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private handle(request: FakeRequest): FakeResponse {
    const params = Object.fromEntries(new URLSearchParams(request.body));
    const accessKeyId = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    const securityToken = request.headers['x-amz-security-token'] as string | undefined;
    const call: FakeStsCall = { action: params.Action ?? '', accessKeyId, securityToken, params };
    this.calls.push(call);
    if (request.method !== 'POST') return error(400, 'Sender', 'InvalidAction', 'Only POST is supported.');
    switch (call.action) {
      case 'AssumeRole':
        return this.assumeRole(call);
      case 'GetCallerIdentity':
        return this.getCallerIdentity(call);
      default:
        return error(400, 'Sender', 'InvalidAction', `Could not find operation ${call.action}`);
    }
  }

  private assumeRole({ accessKeyId, params }: FakeStsCall): FakeResponse {
    if (accessKeyId !== this.callerAccessKeyId) {
      return error(
        403,
        'Sender',
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    }
    const role = this.roles.get(params.RoleArn ?? '');
    if (this.regionDisabled) {
      return error(
        403,
        'Sender',
        'RegionDisabledException',
        'STS is not activated in this region for account.',
      );
    }
    // Like AWS: a missing role, a trust policy without us and a wrong external id all look the same.
    if (!role || role.externalId !== params.ExternalId) {
      return error(
        403,
        'Sender',
        'AccessDenied',
        `User: ${this.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`,
      );
    }
    const accessKey = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const session: FakeSession = {
      role,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
      sessionName: params.RoleSessionName ?? '',
    };
    this.sessions.set(accessKey, session);
    const { secretAccessKey, sessionToken, sessionName } = session;
    this.issued.push({ accessKeyId: accessKey, secretAccessKey, sessionToken, sessionName });
    const expiration = new Date(Date.now() + Number(params.DurationSeconds ?? 3600) * 1000).toISOString();
    const account = role.roleArn.split(':')[4];
    const roleName = role.roleArn.split('/').pop();
    return xml(
      200,
      `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${accessKey}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>` +
        `<SessionToken>${session.sessionToken}</SessionToken><Expiration>${expiration}</Expiration>` +
        `</Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:${session.sessionName}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${session.sessionName}</Arn></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>` +
        `</AssumeRoleResponse>`,
    );
  }

  private getCallerIdentity({ accessKeyId, securityToken }: FakeStsCall): FakeResponse {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (!session || session.sessionToken !== securityToken) {
      if (accessKeyId === this.callerAccessKeyId) {
        return identity('999999999999', this.callerArn);
      }
      return error(
        403,
        'Sender',
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    }
    const account = session.role.reportsAccount ?? session.role.roleArn.split(':')[4];
    const roleName = session.role.roleArn.split('/').pop();
    return identity(account, `arn:aws:sts::${account}:assumed-role/${roleName}/${session.sessionName}`);
  }
}

function identity(account: string, arn: string): FakeResponse {
  return xml(
    200,
    `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${arn}</Arn>` +
      `<UserId>AROAFAKE:session</UserId><Account>${account}</Account></GetCallerIdentityResult>` +
      `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}

function error(status: number, type: string, code: string, message: string): FakeResponse {
  return xml(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  );
}

function xml(status: number, body: string): FakeResponse {
  return { status, contentType: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function requestId(): string {
  return randomBytes(16).toString('hex');
}
