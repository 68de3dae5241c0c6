import type * as pulumi from '@pulumi/pulumi';
import { AKS_KUBERNETES_VERSION, NODE_OS_DISK_GIB } from './versions';

/** Settings every node pool shares: managed OS disk encrypted at host, Azure Linux, no public IPs. */
export function nodePoolDefaults(subnetId: pulumi.Input<string>) {
  return {
    type: 'VirtualMachineScaleSets',
    osType: 'Linux',
    osSKU: 'AzureLinux',
    orchestratorVersion: AKS_KUBERNETES_VERSION,
    // Encryption at host encrypts the OS disk and its cache on the VM host with platform keys.
    osDiskType: 'Managed',
    osDiskSizeGB: NODE_OS_DISK_GIB,
    enableEncryptionAtHost: true,
    enableNodePublicIP: false,
    vnetSubnetID: subnetId,
  } as const;
}
