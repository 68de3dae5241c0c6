import { lazy } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { AcceptInvitationPage } from '../auth/AcceptInvitationPage';
import { RequireSignedIn, SignedOutOnly } from '../auth/guards';
import { SignInPage } from '../auth/SignInPage';
import { SignUpPage } from '../auth/SignUpPage';
import { CloudAccountPage } from '../cloud-accounts/CloudAccountPage';
import { CloudAccountsPage } from '../cloud-accounts/CloudAccountsPage';
import { ConnectCloudAccountPage } from '../cloud-accounts/ConnectCloudAccountPage';
import { DeploymentPage } from '../deployments/DeploymentPage';
import { NewDeploymentPage } from '../deployments/NewDeploymentPage';
import { OverviewPage } from '../deployments/OverviewPage';
import { OrganizationPage } from '../organization/OrganizationPage';
import { EditPipelinePage, NewPipelinePage } from '../pipelines/NewPipelinePage';
import { AppLayout } from './AppLayout';
import { NotFoundPage } from './NotFoundPage';

// The charts (recharts) and date pickers are only needed on these pages: loaded when first visited.
const UsagePage = lazy(() => import('../usage/UsagePage').then((module) => ({ default: module.UsagePage })));
// The pipeline page draws live charts: loaded with recharts, when first visited.
const PipelinePage = lazy(() =>
  import('../pipelines/PipelinePage').then((module) => ({ default: module.PipelinePage })),
);
const ReplicationPage = lazy(() =>
  import('../replication/ReplicationPage').then((module) => ({ default: module.ReplicationPage })),
);
const BillingPage = lazy(() =>
  import('../billing/BillingPage').then((module) => ({ default: module.BillingPage })),
);

export const routes: RouteObject[] = [
  {
    element: <SignedOutOnly />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/sign-up', element: <SignUpPage /> },
    ],
  },
  { path: '/invitations/accept', element: <AcceptInvitationPage /> },
  {
    element: <RequireSignedIn />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <OverviewPage /> },
          { path: '/deployments/new', element: <NewDeploymentPage /> },
          { path: '/deployments/:deploymentId', element: <DeploymentPage /> },
          { path: '/deployments/:deploymentId/pipelines/new', element: <NewPipelinePage /> },
          { path: '/pipelines/:pipelineId', element: <PipelinePage /> },
          { path: '/pipelines/:pipelineId/edit', element: <EditPipelinePage /> },
          { path: '/replication', element: <ReplicationPage /> },
          { path: '/cloud-accounts', element: <CloudAccountsPage /> },
          { path: '/cloud-accounts/connect', element: <ConnectCloudAccountPage /> },
          { path: '/cloud-accounts/:cloudAccountId', element: <CloudAccountPage /> },
          { path: '/usage', element: <UsagePage /> },
          { path: '/billing', element: <BillingPage /> },
          { path: '/organization/:tab?', element: <OrganizationPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export const router = createBrowserRouter(routes);
