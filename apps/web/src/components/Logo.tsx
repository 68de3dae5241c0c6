import { Group, Text } from '@mantine/core';

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const box = size === 'lg' ? 32 : 26;
  return (
    <Group gap={8} wrap="nowrap" aria-label="Streamplane">
      <svg width={box} height={box} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="#4c6ef5" />
        <path
          d="M7 20c4-8 8 4 12-4s6-6 6-6"
          stroke="#fff"
          strokeWidth="3"
          fill="none"
          strokeLinecap="round"
        />
        <path
          d="M7 25c4-8 8 4 12-4s6-6 6-6"
          stroke="#bac8ff"
          strokeWidth="2"
          fill="none"
          strokeLinecap="round"
        />
      </svg>
      <Text fw={700} fz={size === 'lg' ? 22 : 17} lts={-0.3}>
        Streamplane
      </Text>
    </Group>
  );
}
