import { Tabs } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { can, type Operation } from '../auth/permissions';
import { useSession, useViewer } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { NotFoundPage } from '../app/NotFoundPage';
import { ApiTokensTab } from './ApiTokensTab';
import { AuditLogTab } from './AuditLogTab';
import { InvitationsTab } from './InvitationsTab';
import { MembersTab } from './MembersTab';
import { SettingsTab } from './SettingsTab';

const TABS: { value: string; label: string; needs?: Operation; element: () => React.ReactNode }[] = [
  { value: 'members', label: 'Members', element: () => <MembersTab /> },
  {
    value: 'invitations',
    label: 'Invitations',
    needs: 'Query.invitations',
    element: () => <InvitationsTab />,
  },
  { value: 'api-tokens', label: 'API tokens', needs: 'Query.apiTokens', element: () => <ApiTokensTab /> },
  { value: 'audit-log', label: 'Audit log', needs: 'Query.auditLog', element: () => <AuditLogTab /> },
  { value: 'settings', label: 'Settings', element: () => <SettingsTab /> },
];

/** Members, invitations, API tokens, the audit log and settings; tabs a role cannot use are not shown. */
export function OrganizationPage() {
  const { tab = 'members' } = useParams();
  const { role } = useSession();
  const viewer = useViewer();
  const navigate = useNavigate();
  const tabs = TABS.filter((candidate) => !candidate.needs || can(role, candidate.needs));
  const current = tabs.find((candidate) => candidate.value === tab);
  if (!current) return <NotFoundPage />;
  return (
    <>
      <PageHeader
        title={viewer.organization.name}
        description="Who is in your organization, what they may do, and what they did."
      />
      <Tabs
        value={current.value}
        onChange={(value) => void navigate(`/organization/${value ?? 'members'}`)}
        keepMounted={false}
      >
        <Tabs.List mb="lg">
          {tabs.map((candidate) => (
            <Tabs.Tab key={candidate.value} value={candidate.value}>
              {candidate.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((candidate) => (
          <Tabs.Panel key={candidate.value} value={candidate.value}>
            {candidate.element()}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
