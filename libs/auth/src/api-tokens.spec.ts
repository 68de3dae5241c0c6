import { apiTokenPrefixOf, newApiTokenSecret } from './api-tokens.service';

describe('API token format', () => {
  it('always reads back the prefix it was minted with', () => {
    // base64url secrets contain "_" often; the prefix must survive any of them.
    for (let i = 0; i < 2000; i++) {
      const { prefix, secret } = newApiTokenSecret();
      expect(apiTokenPrefixOf(secret)).toBe(prefix);
    }
  });

  it.each([
    '',
    'sp_pat_',
    'sp_pat_short_x',
    'sp_pat_0123456789ab',
    'sp_pat_0123456789abX',
    'sp_pat_XYZ456789abc_x',
    'Bearer sp_pat_',
  ])('finds no prefix in %j', (token) => expect(apiTokenPrefixOf(token)).toBeUndefined());
});
