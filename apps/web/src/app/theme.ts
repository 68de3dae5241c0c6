import { createTheme } from '@mantine/core';

/** Calm and dense: a neutral canvas, one accent, small radii, system fonts (nothing fetched at run time). */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  defaultRadius: 'md',
  fontFamily:
    'Inter, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  fontSizes: { md: '0.9375rem' },
  components: {
    Button: { defaultProps: { size: 'sm' } },
    Badge: { defaultProps: { radius: 'sm' } },
    Paper: { defaultProps: { radius: 'md' } },
    Card: { defaultProps: { radius: 'md', withBorder: true } },
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } },
    Tooltip: { defaultProps: { withArrow: true } },
    // Notes on a page are polite live regions; only errors (ErrorAlert) interrupt as role="alert".
    Alert: { defaultProps: { role: 'status' } },
  },
});
