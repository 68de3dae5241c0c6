/**
 * The Automation API's own error classes, built the way the SDK builds them from a CLI run: `CommandResult`
 * and `createCommandError` are what `LocalWorkspace` uses (they are internal to the SDK, hence the casts).
 */
import * as cmdModule from '@pulumi/pulumi/automation/cmd';
import * as errorsModule from '@pulumi/pulumi/automation/errors';

interface CommandResultLike {
  stdout: string;
  stderr: string;
  code: number;
}
const cmd = cmdModule as unknown as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => CommandResultLike;
};
const errors = errorsModule as unknown as { createCommandError(result: CommandResultLike): Error };

/** The error the Automation API throws when the CLI exits with this stderr. */
export function commandError(stderr: string, code = 255, stdout = ''): Error {
  return errors.createCommandError(new cmd.CommandResult(stdout, stderr, code));
}

/** Representative stderr of the Pulumi CLI (texts as the CLI prints them). */
export const STDERR = {
  serviceConflict: 'error: [409] Conflict: Another update is currently in progress.\n',
  diyLock:
    'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n' +
    '  s3://streamplane-state?region=eu-west-1/.pulumi/locks/organization/streamplane/dep-1/ec3a6b52-997b-4a50-a6de-6ec3f16804d6.json: created by worker@provisioner-7f9c (pid 478) at 2026-11-22T02:31:35Z\n',
  stackNotFound: "error: no stack named 'organization/streamplane/dep-1' found\n",
  stackExists: "error: stack 'organization/streamplane/dep-1' already exists\n",
  pendingOperations:
    'error: the current deployment has 1 resource(s) with pending operations:\n' +
    '  * urn:pulumi:dep-1::streamplane::streamplane:azure:KafkaCluster$azure-native:containerservice:ManagedCluster::aks, interrupted while creating\n\n' +
    'These resources are in an unknown state because the Pulumi CLI was interrupted while\n' +
    'waiting for changes to these resources to complete.\n',
  azureBadSecret:
    "error: azure-native:resources:ResourceGroup resource 'rg': property location value {westeurope} has a problem: " +
    'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\n',
  awsExpired:
    'error: configuring Terraform AWS Provider: validating provider credentials: retrieving caller identity from STS: ' +
    'operation error STS: GetCallerIdentity, https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired\n',
  azurePermission:
    "error: autorest/azure: Service returned an error. Status=403 Code=\"AuthorizationFailed\" Message=\"The client '2222' with object id '4444' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '/subscriptions/3333/resourceGroups/rg'\"\n",
  missingPlugin:
    "error: could not load plugin for azure-native provider 'default_3_28_0': no resource plugin 'pulumi-resource-azure-native' found in the workspace at version v3.28.0 or on your $PATH\n",
  updateFailed: 'error: update failed\n',
  cancelled: 'error: update canceled\n',
  unknown: 'error: something nobody has seen before\n',
};

/** What `exec` in the SDK throws when the CLI binary is missing (the `execa` ENOENT, code -2). */
export function missingCliError(): Error {
  return errors.createCommandError(
    new cmd.CommandResult(
      '',
      'Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT',
      -2,
      new Error('spawn pulumi ENOENT'),
    ),
  );
}
