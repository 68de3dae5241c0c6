import { inspect } from 'node:util';
import { SecretValue, outputsFromWire, redactOutputs } from './secret-value';

describe('SecretValue', () => {
  const secret = new SecretValue('apiVersion: v1\nusers: [token: abc]');

  it('keeps its value out of JSON, strings and logs; reveal() gives it back', () => {
    expect(JSON.stringify({ kubeconfig: secret })).toBe('{"kubeconfig":"[secret]"}');
    expect(`${String(secret)}`).toBe('[secret]');
    expect(inspect({ kubeconfig: secret })).not.toContain('token');
    expect(secret.reveal()).toBe('apiVersion: v1\nusers: [token: abc]');
  });

  it('outputs from the wire become SecretValues where marked secret; redacting drops them', () => {
    const outputs = outputsFromWire({
      clusterName: { value: 'aks-1', secret: false },
      kubeconfig: { value: 'apiVersion: v1', secret: true },
    });
    expect(outputs.kubeconfig).toBeInstanceOf(SecretValue);
    expect(redactOutputs(outputs)).toEqual({ clusterName: 'aks-1', kubeconfig: null });
  });
});
