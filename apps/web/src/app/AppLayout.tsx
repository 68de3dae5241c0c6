import { AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBuildingSkyscraper,
  IconChartAreaLine,
  IconCloud,
  IconLayoutDashboard,
  IconReceipt,
  IconArrowsExchange,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { LoadingState } from '../components/QueryView';
import { SessionExpiredModal } from '../auth/SessionExpiredModal';
import { Logo } from '../components/Logo';
import { OrganizationMenu } from './OrganizationMenu';
import { UserMenu } from './UserMenu';

const NAV = [
  {
    to: '/',
    label: 'Overview',
    icon: IconLayoutDashboard,
    match: (path: string) => path === '/' || path.startsWith('/deployments') || path.startsWith('/pipelines'),
  },
  {
    to: '/replication',
    label: 'Replication',
    icon: IconArrowsExchange,
    match: (path: string) => path.startsWith('/replication'),
  },
  {
    to: '/cloud-accounts',
    label: 'Cloud accounts',
    icon: IconCloud,
    match: (path: string) => path.startsWith('/cloud-accounts'),
  },
  {
    to: '/usage',
    label: 'Usage',
    icon: IconChartAreaLine,
    match: (path: string) => path.startsWith('/usage'),
  },
  {
    to: '/billing',
    label: 'Billing',
    icon: IconReceipt,
    match: (path: string) => path.startsWith('/billing'),
  },
  {
    to: '/organization',
    label: 'Organization',
    icon: IconBuildingSkyscraper,
    match: (path: string) => path.startsWith('/organization'),
  },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Link
              to="/"
              aria-label="Streamplane overview"
              style={{ color: 'inherit', textDecoration: 'none' }}
            >
              <Logo />
            </Link>
            <Text c="gray.4" aria-hidden visibleFrom="xs">
              /
            </Text>
            <OrganizationMenu />
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              leftSection={<item.icon size={18} stroke={1.7} aria-hidden />}
              active={item.match(pathname)}
              aria-current={item.match(pathname) ? 'page' : undefined}
              onClick={close}
              style={{ borderRadius: 6 }}
              mb={2}
            />
          ))}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" py="xs">
            Kafka® in your cloud account.
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <div style={{ maxWidth: 1240, margin: '0 auto' }}>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </div>
      </AppShell.Main>
      <SessionExpiredModal />
    </AppShell>
  );
}
